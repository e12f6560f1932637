package io.meshpilot.xds.server;

import java.util.function.LongSupplier;

/**
 * istiod's admission of new xDS streams ({@code PILOT_MAX_REQUESTS_PER_SECOND}): a token bucket
 * refilled at {@code ratePerSecond}, holding at most one second's worth. A stream that finds no
 * token is refused with RESOURCE_EXHAUSTED, and Envoy retries after a jittered backoff, so a
 * reconnect storm is spread out instead of generating every proxy's config at once.
 */
final class StreamAdmission {
  private final double ratePerSecond;
  private final double capacity;
  private final LongSupplier nanoTime;
  private double tokens;
  private long refilledAt;

  /** @param ratePerSecond new streams per second; 0 or less admits everything */
  StreamAdmission(double ratePerSecond, LongSupplier nanoTime) {
    this.ratePerSecond = ratePerSecond;
    this.capacity = Math.max(1, ratePerSecond);
    this.nanoTime = nanoTime;
    this.tokens = capacity;
    this.refilledAt = nanoTime.getAsLong();
  }

  /**
   * The rate when {@code PILOT_MAX_REQUESTS_PER_SECOND} is unset or not positive ("determined by
   * the machine size", as istiod says of it): istiod's heuristic {@code min(15 + 5 × cores, 100)}
   * scaled by 4, since a new stream costs meshpilot about a quarter of the CPU it costs istiod
   * (11 ms against 53 ms measured by the load test on 2 cores), so the same share of the machine
   * admits four times as many. 100 per second on 2 cores, 400 from 17 cores.
   */
  static double defaultRate(int cores) {
    return 4 * Math.min(15 + 5 * cores, 100);
  }

  /** Takes a token if one is there. */
  synchronized boolean tryAdmit() {
    if (ratePerSecond <= 0) {
      return true;
    }
    long now = nanoTime.getAsLong();
    tokens = Math.min(capacity, tokens + (now - refilledAt) / 1e9 * ratePerSecond);
    refilledAt = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
