package io.meshpilot.xds.cluster;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.Builder;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.time.Duration;

/** The settings istiod gives every cluster it builds (reference istio-xds.md §3.4, §3.5). */
final class ClusterDefaults {
  static final String PROTOCOL_OPTIONS_KEY = HttpOptions.KEY;
  private static final UInt32Value MAX = UInt32Value.of(-1); // 4294967295 on the wire

  // no track_remaining: istiod 1.31 sets it only when DISABLE_TRACK_REMAINING_CB_METRICS (default true) is off
  private static final CircuitBreakers CIRCUIT_BREAKERS = CircuitBreakers.newBuilder()
      .addThresholds(thresholds())
      .build();

  private ClusterDefaults() {}

  /**
   * istiod's getDefaultCircuitBreakerThresholds: every limit at uint32 max, remaining not tracked
   * (istiod 1.31's DISABLE_TRACK_REMAINING_CB_METRICS default).
   */
  static CircuitBreakers.Thresholds.Builder thresholds() {
    return CircuitBreakers.Thresholds.newBuilder()
        .setMaxConnections(MAX).setMaxPendingRequests(MAX).setMaxRequests(MAX).setMaxRetries(MAX);
  }

  /**
   * A cluster with name, type, connect timeout, default circuit breakers, {@code common_lb_config {}},
   * {@code alt_stat_name "<name>;"}, and LEAST_REQUEST (CLUSTER_PROVIDED for ORIGINAL_DST).
   */
  static Cluster.Builder cluster(String name, Cluster.DiscoveryType type, Duration connectTimeout) {
    return Cluster.newBuilder()
        .setName(name)
        .setType(type)
        .setConnectTimeout(Durations.fromNanos(connectTimeout.toNanos()))
        .setLbPolicy(type == Cluster.DiscoveryType.ORIGINAL_DST
            ? Cluster.LbPolicy.CLUSTER_PROVIDED : Cluster.LbPolicy.LEAST_REQUEST)
        .setCircuitBreakers(CIRCUIT_BREAKERS)
        .setCommonLbConfig(Cluster.CommonLbConfig.getDefaultInstance())
        .setAltStatName(name + ";");
  }

  /** Passthrough options: the client's protocol and a 300 s idle timeout. */
  static Any passthroughProtocolOptions() {
    Builder common = io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.newBuilder()
        .setIdleTimeout(Durations.fromSeconds(300));
    return Any.pack(HttpProtocolOptions.newBuilder()
        .setCommonHttpProtocolOptions(common)
        .setUseDownstreamProtocolConfig(useDownstream())
        .build());
  }

  private static HttpProtocolOptions.UseDownstreamHttpConfig useDownstream() {
    return HttpProtocolOptions.UseDownstreamHttpConfig.newBuilder()
        .setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance())
        .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance())
        .build();
  }
}
