package io.meshpilot.xds.server;

import io.meshpilot.xds.Knobs;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * How the ADS server admits and keeps connections, read once at the edge.
 *
 * @param ready false while the registry has not synced: new streams are refused with UNAVAILABLE
 * @param maxRequestsPerSecond new streams admitted per second ({@code PILOT_MAX_REQUESTS_PER_SECOND});
 *     0 admits all
 * @param maxConnectionAge connections are asked to reconnect after this long (with gRPC's ±10 %
 *     jitter) so proxies spread over replicas (istiod's keepaliveMaxServerConnectionAge)
 * @param workerThreads threads that handle requests and generate initial config (bounded, so a
 *     reconnect storm queues instead of running thousands of generations at once)
 * @param xdsCacheSize entries of the resource cache across pushes ({@code PILOT_XDS_CACHE_SIZE})
 */
public record AdsSettings(BooleanSupplier ready, double maxRequestsPerSecond, Duration maxConnectionAge,
    int workerThreads, int xdsCacheSize) {
  /** istiod's keepaliveMaxServerConnectionAge default in its chart. */
  public static final Duration DEFAULT_MAX_CONNECTION_AGE = Duration.ofMinutes(30);

  public AdsSettings {
    Objects.requireNonNull(ready, "ready");
    Objects.requireNonNull(maxConnectionAge, "maxConnectionAge");
    if (maxRequestsPerSecond < 0) {
      throw new IllegalArgumentException("maxRequestsPerSecond must not be negative: " + maxRequestsPerSecond);
    }
    if (maxConnectionAge.isNegative() || maxConnectionAge.isZero()) {
      throw new IllegalArgumentException("maxConnectionAge must be positive: " + maxConnectionAge);
    }
    if (workerThreads < 1) {
      throw new IllegalArgumentException("workerThreads must be at least 1: " + workerThreads);
    }
    if (xdsCacheSize < 0) {
      throw new IllegalArgumentException("PILOT_XDS_CACHE_SIZE must not be negative: " + xdsCacheSize);
    }
  }

  /** Always ready, the admission rate for this machine, 30 minutes' connection age. */
  public static AdsSettings defaults() {
    return fromEnvironment(Map.of());
  }

  /**
   * istiod's knobs: {@code PILOT_MAX_REQUESTS_PER_SECOND} (unset, 0 or negative: determined by the
   * machine size, see {@link StreamAdmission#defaultRate}) and {@code PILOT_XDS_CACHE_SIZE}
   * (60000); always ready until {@link #withReady} says otherwise.
   */
  public static AdsSettings fromEnvironment(Map<String, String> env) {
    return fromEnvironment(env, Runtime.getRuntime().availableProcessors());
  }

  static AdsSettings fromEnvironment(Map<String, String> env, int cores) {
    double rate = Knobs.number(env, "PILOT_MAX_REQUESTS_PER_SECOND", 0);
    return new AdsSettings(() -> true, rate > 0 ? rate : StreamAdmission.defaultRate(cores),
        DEFAULT_MAX_CONNECTION_AGE, Math.max(2, cores),
        Knobs.integer(env, "PILOT_XDS_CACHE_SIZE", io.meshpilot.xds.cache.XdsCache.DEFAULT_SIZE));
  }

  public AdsSettings withReady(BooleanSupplier value) {
    return new AdsSettings(value, maxRequestsPerSecond, maxConnectionAge, workerThreads, xdsCacheSize);
  }

  public AdsSettings withMaxRequestsPerSecond(double value) {
    return new AdsSettings(ready, value, maxConnectionAge, workerThreads, xdsCacheSize);
  }

  public AdsSettings withMaxConnectionAge(Duration value) {
    return new AdsSettings(ready, maxRequestsPerSecond, value, workerThreads, xdsCacheSize);
  }
}
