package io.meshpilot.debughttp;

import io.meshpilot.xds.XdsEvents.PushStart;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Records the last push for {@code /debug/push_status}: what started it and, from the per-proxy
 * events that follow, how many proxies it reached, how long that took and what was sent. Responses
 * sent after the push started count towards it, including those a proxy asked for in reaction to
 * it (new route names after new listeners); a proxy finishing an older, merged push in the meantime
 * is counted too, so the figures describe the push window rather than exactly one push.
 * Thread-safe.
 */
final class PushStatus {
  /** Responses of one type sent since the push started. */
  record TypeTotals(long responses, long bytes) {}

  /**
   * The last push as far as it has got.
   *
   * @param push how it started
   * @param proxiesPushed proxies that got every type of it so far
   * @param duration from its start until the last of those proxies was done (zero before any)
   * @param types responses and bytes per short type name, sorted
   */
  record Snapshot(PushStart push, int proxiesPushed, Duration duration, Map<String, TypeTotals> types) {
    Snapshot {
      types = Collections.unmodifiableMap(new TreeMap<>(types));
    }
  }

  private final Clock clock;
  private PushStart push;
  private Instant startedAt;
  private int proxiesPushed;
  private Duration duration = Duration.ZERO;
  private final Map<String, TypeTotals> types = new TreeMap<>();

  PushStatus(Clock clock) {
    this.clock = clock;
  }

  synchronized void started(PushStart start) {
    push = start;
    startedAt = clock.instant();
    proxiesPushed = 0;
    duration = Duration.ZERO;
    types.clear();
  }

  synchronized void pushed(String type, long bytes) {
    if (push == null) {
      return;
    }
    types.merge(type, new TypeTotals(1, bytes),
        (a, b) -> new TypeTotals(a.responses() + b.responses(), a.bytes() + b.bytes()));
  }

  synchronized void converged(Duration sincePushStart) {
    if (push == null) {
      return;
    }
    proxiesPushed++;
    // Measured on this recorder's clock, so a merged older push does not stretch it.
    Duration elapsed = Duration.between(startedAt, clock.instant());
    if (elapsed.compareTo(duration) > 0) {
      duration = elapsed;
    }
  }

  /** The last push, if there has been one. */
  synchronized Optional<Snapshot> last() {
    if (push == null) {
      return Optional.empty();
    }
    return Optional.of(new Snapshot(push, proxiesPushed, duration, new TreeMap<>(types)));
  }
}
