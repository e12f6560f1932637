package io.meshpilot.xds.cluster;

import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.BindConfig;
import io.envoyproxy.envoy.config.core.v3.ExtraSourceAddress;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import java.time.Duration;

/** BlackHoleCluster, PassthroughCluster and InboundPassthroughCluster (reference istio-xds.md §3.7). */
final class SpecialClusters {
  /** iptables lets traffic from this source through uncaptured, so forwarded inbound traffic does not loop. */
  static final String INBOUND_SOURCE = "127.0.0.6";
  /** The IPv6 twin of {@link #INBOUND_SOURCE}. */
  static final String INBOUND_SOURCE_V6 = "::6";

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

  static Cluster passthrough(UpstreamDefaults mesh) {
    return passthroughBuilder(ClusterNames.PASSTHROUGH, mesh).build();
  }

  /**
   * PassthroughCluster renamed, as istiod builds it (its alt_stat_name stays {@code PassthroughCluster;}),
   * bound to {@value #INBOUND_SOURCE} ({@value #INBOUND_SOURCE_V6} for an IPv6-only proxy; a dual-stack
   * proxy gets the IPv6 one as an extra source address, and Envoy picks by the destination's family).
   */
  static Cluster inboundPassthrough(UpstreamDefaults mesh, boolean ipv4, boolean ipv6) {
    BindConfig.Builder bind = BindConfig.newBuilder().setSourceAddress(SocketAddress.newBuilder()
        .setAddress(ipv4 ? INBOUND_SOURCE : INBOUND_SOURCE_V6).setPortValue(0));
    if (ipv4 && ipv6) {
      bind.addExtraSourceAddresses(ExtraSourceAddress.newBuilder()
          .setAddress(SocketAddress.newBuilder().setAddress(INBOUND_SOURCE_V6).setPortValue(0)));
    }
    return passthroughBuilder(ClusterNames.PASSTHROUGH, mesh)
        .setName(ClusterNames.INBOUND_PASSTHROUGH)
        .setUpstreamBindConfig(bind)
        .build();
  }

  /** Binds upstream connections to {@value #INBOUND_SOURCE}, port 0. */
  static BindConfig inboundBind() {
    return BindConfig.newBuilder()
        .setSourceAddress(SocketAddress.newBuilder().setAddress(INBOUND_SOURCE).setPortValue(0))
        .build();
  }

  /**
   * istiod's default passthrough cluster: no common_lb_config, unlike the clusters of services, and
   * the default connection pool (the mesh's connect timeout and keepalive).
   */
  private static Cluster.Builder passthroughBuilder(String name, UpstreamDefaults mesh) {
    Cluster.Builder cluster = ClusterDefaults.cluster(name, Cluster.DiscoveryType.ORIGINAL_DST, mesh.connectTimeout());
    mesh.apply(cluster);
    return cluster
        .clearCommonLbConfig()
        .putTypedExtensionProtocolOptions(ClusterDefaults.PROTOCOL_OPTIONS_KEY,
            ClusterDefaults.passthroughProtocolOptions());
  }

}
