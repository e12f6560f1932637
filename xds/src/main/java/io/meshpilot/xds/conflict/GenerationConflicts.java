package io.meshpilot.xds.conflict;

import io.meshpilot.registry.Rejection;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The conflicts the generators currently resolve, by the resource whose generation found them. Each
 * generation replaces its resource's set as a whole, so the list reflects the config last generated
 * and never grows with repeated pushes. A conflict is logged once when it first appears anywhere and
 * once when it is gone everywhere. Thread-safe: generators run on many threads at once.
 */
public final class GenerationConflicts {
  private static final Logger log = LoggerFactory.getLogger(GenerationConflicts.class);
  // The generators are static functions of (resource, proxy, push) with no context object to carry a
  // sink, so the process has one; debug-http lists it with the registry's rejections.
  private static final GenerationConflicts SHARED = new GenerationConflicts(Clock.systemUTC());

  private final Clock clock;
  private final Map<GeneratedResource, Set<Conflict>> byResource = new HashMap<>();
  private final Map<Conflict, Instant> since = new HashMap<>();

  GenerationConflicts(Clock clock) {
    this.clock = clock;
  }

  /** The sink every generator of this process reports into. */
  public static GenerationConflicts shared() {
    return SHARED;
  }

  /** Records what one generation of {@code resource} found, replacing what its last one found. */
  public void replace(GeneratedResource resource, Set<Conflict> conflicts) {
    Set<Conflict> next = Set.copyOf(conflicts);
    synchronized (this) {
      Set<Conflict> previous = next.isEmpty() ? byResource.remove(resource) : byResource.put(resource, next);
      if (previous == null ? next.isEmpty() : previous.equals(next)) {
        return; // the common case: the same outcome as last time
      }
      for (Conflict conflict : next) {
        if (!since.containsKey(conflict)) {
          since.put(conflict, clock.instant());
          log.warn("config conflict: {} loses: {}", conflict.loser(), conflict.reason());
        }
      }
      if (previous != null) {
        for (Conflict gone : previous) {
          if (!next.contains(gone) && byResource.values().stream().noneMatch(s -> s.contains(gone))) {
            since.remove(gone);
            log.info("config conflict resolved: {} no longer loses: {}", gone.loser(), gone.reason());
          }
        }
      }
    }
  }

  /** The current conflicts as rejections of their losers (source {@code xds}), sorted by object. */
  public List<Rejection> rejections() {
    synchronized (this) {
      return since.entrySet().stream()
          .map(e -> new Rejection(e.getKey().loser(), "xds", e.getKey().reason(), e.getValue()))
          .sorted(Comparator.comparing(Rejection::object).thenComparing(Rejection::reason))
          .toList();
    }
  }

  /** Forgets everything; for a server that stops while the process goes on (tests, restarts). */
  public synchronized void clear() {
    byResource.clear();
    since.clear();
  }
}
