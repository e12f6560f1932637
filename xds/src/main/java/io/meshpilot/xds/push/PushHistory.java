package io.meshpilot.xds.push;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.meshpilot.xds.server.PushRequest;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Which pushes carried each hostname, for {@code /debug/why}: per hostname the last full push and
 * the last endpoints push that named it, and the last {@link #RECENT} pushes (for global pushes,
 * which name no hostname). Bounded: at most {@link #MAX_HOSTNAMES} hostnames, the one pushed
 * longest ago forgotten first. Thread-safe.
 */
public final class PushHistory {
  static final int RECENT = 100;
  static final int MAX_HOSTNAMES = 65_536;

  /** The last pushes that named one hostname. */
  private record Carriers(Optional<PushRecord> full, Optional<PushRecord> eds) {}

  @GuardedBy("this")
  private final Deque<PushRecord> recent = new ArrayDeque<>();

  @GuardedBy("this")
  private final Map<String, Carriers> byHostname = new LinkedHashMap<>(256, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Carriers> eldest) {
      return size() > MAX_HOSTNAMES;
    }
  };

  /**
   * Records the push context the server starts from as a global push with no reasons: it carries
   * every change made before it to every proxy that connects.
   */
  public void initial(String version, Instant builtAt) {
    record(new PushRecord(version, builtAt, true, true, Map.of(), 0), PushRequest.fullPush());
  }

  /** Records a push as it begins. */
  synchronized void record(PushRecord push, PushRequest request) {
    recent.addLast(push);
    if (recent.size() > RECENT) {
      recent.removeFirst();
    }
    if (request.global()) {
      return;
    }
    Collection<String> hostnames = push.full() ? request.hostnames() : request.edsHostnames();
    for (String hostname : hostnames) {
      Carriers before = byHostname.remove(hostname);
      Carriers now = before == null ? new Carriers(Optional.empty(), Optional.empty()) : before;
      byHostname.put(hostname, push.full()
          ? new Carriers(Optional.of(push), now.eds())
          : new Carriers(now.full(), Optional.of(push)));
    }
  }

  /**
   * The first push that began at or after {@code since} and regenerated this hostname's service
   * ({@code fullOnly}) or at least its endpoints: a full or endpoints push naming it, or a global push.
   * Empty when none has begun since (the change is still being debounced) or it is forgotten.
   */
  public synchronized Optional<PushRecord> firstCarrying(String hostname, Instant since, boolean fullOnly) {
    Carriers carriers = byHostname.getOrDefault(hostname, new Carriers(Optional.empty(), Optional.empty()));
    Stream<PushRecord> named = fullOnly ? carriers.full().stream()
        : Stream.concat(carriers.full().stream(), carriers.eds().stream());
    Stream<PushRecord> global = recent.stream().filter(PushRecord::global);
    return Stream.concat(named, global)
        .filter(p -> !p.startedAt().isBefore(since))
        .min(Comparator.comparing(PushRecord::startedAt));
  }

  /** The last pushes, oldest first. */
  public synchronized List<PushRecord> recent() {
    return List.copyOf(recent);
  }
}
