package io.meshpilot.xds.cluster;

import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;

/**
 * The config source istiod puts on every EDS and RDS reference: ADS, V3, and
 * {@code initial_fetch_timeout: 0s} so Envoy never gives up waiting for a resource.
 */
public final class AdsConfigSource {
  private static final ConfigSource ADS = ConfigSource.newBuilder()
      .setAds(AggregatedConfigSource.getDefaultInstance())
      .setInitialFetchTimeout(Durations.ZERO)
      .setResourceApiVersion(ApiVersion.V3)
      .build();

  private AdsConfigSource() {}

  public static ConfigSource ads() {
    return ADS;
  }
}
