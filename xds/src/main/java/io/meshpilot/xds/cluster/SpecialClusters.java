package io.meshpilot.xds.cluster;

import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.BindConfig;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import java.time.Duration;

/** BlackHoleCluster, PassthroughCluster and InboundPassthroughCluster (reference istio-xds.md §3.7). */
final class SpecialClusters {
  /** iptables lets traffic from this source through uncaptured, so forwarded inbound traffic does not loop. */
  static final String INBOUND_SOURCE = "127.0.0.6";

  private SpecialClusters() {}

  /** STATIC with no endpoints: every connection fails. */
  static Cluster blackHole(Duration connectTimeout) {
    return Cluster.newBuilder()
        .setName(ClusterNames.BLACK_HOLE)
        .setType(Cluster.DiscoveryType.STATIC)
        .setConnectTimeout(Durations.fromNanos(connectTimeout.toNanos()))
        .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN)
        .setAltStatName(ClusterNames.BLACK_HOLE + ";")
        .build();
  }

  static Cluster passthrough(Duration connectTimeout) {
    return passthroughBuilder(ClusterNames.PASSTHROUGH, connectTimeout).build();
  }

  static Cluster inboundPassthrough(Duration connectTimeout) {
    return passthroughBuilder(ClusterNames.INBOUND_PASSTHROUGH, connectTimeout)
        .setUpstreamBindConfig(inboundBind())
        .build();
  }

  /** Binds upstream connections to {@value #INBOUND_SOURCE}, port 0. */
  static BindConfig inboundBind() {
    return BindConfig.newBuilder()
        .setSourceAddress(SocketAddress.newBuilder().setAddress(INBOUND_SOURCE).setPortValue(0))
        .build();
  }

  private static Cluster.Builder passthroughBuilder(String name, Duration connectTimeout) {
    return ClusterDefaults.cluster(name, Cluster.DiscoveryType.ORIGINAL_DST, connectTimeout)
        .putTypedExtensionProtocolOptions(ClusterDefaults.PROTOCOL_OPTIONS_KEY,
            ClusterDefaults.passthroughProtocolOptions());
  }

}
