package io.meshpilot.xds.cluster;

import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.meshpilot.registry.networking.DestinationRule.ConnectionPoolSettings.TcpKeepalive;
import io.meshpilot.xds.MeshSettings;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What MeshConfig gives every cluster istiod applies a connection pool to (outbound, inbound and
 * passthrough ones) before any DestinationRule or Sidecar says otherwise: {@code connectTimeout}
 * and {@code tcpKeepalive}. A cache key part of the clusters built from it.
 *
 * @param connectTimeout MeshConfig {@code connectTimeout} (10 s)
 * @param tcpKeepalive MeshConfig {@code tcpKeepalive}, if set
 */
record UpstreamDefaults(Duration connectTimeout, Optional<TcpKeepalive> tcpKeepalive) {
  UpstreamDefaults {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(tcpKeepalive, "tcpKeepalive");
  }

  static UpstreamDefaults of(MeshSettings settings) {
    return new UpstreamDefaults(settings.connectTimeout(), settings.tcpKeepalive());
  }

  /** istiod's default connection pool: the mesh connect timeout and, when set, its TCP keepalive. */
  void apply(Cluster.Builder cluster) {
    cluster.setConnectTimeout(Durations.fromNanos(connectTimeout.toNanos()));
    tcpKeepalive.ifPresent(keepalive -> keepalive(cluster, keepalive, "tcpKeepalive"));
  }

  /**
   * istiod's setKeepAliveSettings: SO_KEEPALIVE with the OS defaults (an empty {@code tcp_keepalive})
   * unless the cluster has one already, then each field set here overrides (whole seconds).
   */
  static void keepalive(Cluster.Builder cluster, TcpKeepalive settings, String field) {
    var keepalive = cluster.getUpstreamConnectionOptionsBuilder().getTcpKeepaliveBuilder();
    if (settings.probes() != null && settings.probes() > 0) {
      keepalive.setKeepaliveProbes(UInt32Value.of(settings.probes()));
    }
    if (settings.time() != null) {
      keepalive.setKeepaliveTime(UInt32Value.of((int) ClusterPolicy.duration(field + ".time", settings.time())
          .getSeconds()));
    }
    if (settings.interval() != null) {
      keepalive.setKeepaliveInterval(UInt32Value.of((int) ClusterPolicy.duration(field + ".interval",
          settings.interval()).getSeconds()));
    }
  }
}
