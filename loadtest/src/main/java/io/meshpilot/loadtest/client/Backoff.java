package io.meshpilot.loadtest.client;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Jittered exponential backoff between reconnects, as Envoy's ADS retry does: the n-th consecutive
 * failure waits a uniformly random time in [0, min(max, base × 2^(n-1))), so proxies turned away
 * together (e.g. RESOURCE_EXHAUSTED from admission control) do not come back together.
 *
 * @param base the ceiling of the first wait
 * @param max the largest ceiling
 */
public record Backoff(Duration base, Duration max) {
  public Backoff {
    if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < base <= max");
    }
  }

  /** Envoy's defaults for the ADS stream: 500 ms base, 30 s ceiling. */
  public static Backoff envoyDefaults() {
    return new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
  }

  /** The ceiling of the wait after {@code failures} consecutive failures (at least 1). */
  public long ceilingMillis(int failures) {
    int shift = Math.min(Math.max(failures, 1) - 1, 30);
    long ceiling = base.toMillis() << shift;
    return ceiling <= 0 || ceiling > max.toMillis() ? max.toMillis() : ceiling;
  }

  /** A random wait for this many consecutive failures. */
  public Duration next(int failures, RandomGenerator random) {
    return Duration.ofMillis(random.nextLong(ceilingMillis(failures)) + 1);
  }
}
