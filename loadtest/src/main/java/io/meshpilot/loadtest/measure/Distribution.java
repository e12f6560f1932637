package io.meshpilot.loadtest.measure;

import java.util.Collection;

/**
 * Summary of a set of latencies in seconds: nearest-rank p50 and p99, and the max. Empty when
 * nothing was measured.
 *
 * @param count how many samples
 * @param p50 the median (nearest rank), seconds
 * @param p99 the 99th percentile (nearest rank), seconds
 * @param max the largest sample, seconds
 */
public record Distribution(int count, double p50, double p99, double max) {
  /** No samples. */
  public static final Distribution EMPTY = new Distribution(0, 0, 0, 0);

  /** Summarises latencies given in nanoseconds. */
  public static Distribution ofNanos(Collection<Long> nanos) {
    if (nanos.isEmpty()) {
      return EMPTY;
    }
    long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    return new Distribution(sorted.length, seconds(percentile(sorted, 50)), seconds(percentile(sorted, 99)),
        seconds(sorted[sorted.length - 1]));
  }

  /**
   * The nearest-rank percentile of sorted values: the smallest value such that at least {@code p}
   * percent of the values are at or below it.
   */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0 || p <= 0 || p > 100) {
      throw new IllegalArgumentException("need values and 0 < p <= 100");
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(rank, 1) - 1];
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
