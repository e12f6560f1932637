package io.meshpilot.xds.cluster;

import com.google.protobuf.UInt32Value;
import com.google.protobuf.UInt64Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.RuntimeDouble;
import io.envoyproxy.envoy.type.v3.Percent;
import io.meshpilot.registry.networking.DestinationRule.ConnectionPoolSettings;
import io.meshpilot.registry.networking.DestinationRule.ConsistentHash;
import io.meshpilot.registry.networking.DestinationRule.LoadBalancerSettings;
import io.meshpilot.registry.networking.DestinationRule.TrafficPolicy;
import io.meshpilot.registry.networking.DestinationRule.Warmup;
import io.meshpilot.registry.model.Service;
import io.meshpilot.xds.Knobs;
import io.meshpilot.xds.endpoint.EndpointHealth;
import io.meshpilot.xds.endpoint.LocalityLbPolicy;
import java.time.Duration;
import java.util.Optional;

/**
 * Applies a (merged) DestinationRule traffic policy to an outbound cluster as istiod's
 * applyTrafficPolicy does, in its order: connection pool (after the HTTP/2 upgrade decision),
 * outlier detection, load balancer, TLS, then the PROXY protocol. With no policy the cluster keeps
 * istiod's defaults.
 */
final class ClusterPolicy {
  private ClusterPolicy() {}

  /**
   * @param cluster the cluster built so far (type, connect timeout, defaults)
   * @param http its HTTP protocol options so far
   * @param policy the merged policy for this cluster, or {@code null}
   * @param mesh MeshConfig's connect timeout and TCP keepalive, which the policy's override
   * @param service the cluster's service: whether it sends unhealthy endpoints decides the panic threshold
   * @param locality the cluster's effective locality load balancing (rule, service preference or mesh), if any
   */
  static void apply(Cluster.Builder cluster, HttpOptions http, TrafficPolicy policy, UpstreamDefaults mesh,
      Service service, Optional<LocalityLbPolicy> locality) {
    boolean supportsUnhealthy = EndpointHealth.supportsUnhealthy(service);
    ConnectionPoolSettings pool = policy == null || policy.connectionPool() == null
        ? new ConnectionPoolSettings(null, null) : policy.connectionPool();
    if (shouldUpgradeToHttp2(pool)) {
      http.http2();
    }
    connectionPool(cluster, http, pool, mesh);
    if (policy != null && policy.outlierDetection() != null) {
      outlierDetection(cluster, policy.outlierDetection(), EndpointHealth.forcesUnhealthy(service));
    }
    loadBalancer(cluster, policy == null ? null : policy.loadBalancer(), supportsUnhealthy, locality);
    if (policy != null && policy.tls() != null) {
      UpstreamTls.apply(cluster, http, policy.tls());
    }
    if (policy != null && policy.proxyProtocol() != null) {
      UpstreamProxyProtocol.apply(cluster, policy.proxyProtocol());
    }
    if (cluster.getType() == Cluster.DiscoveryType.ORIGINAL_DST) {
      cluster.setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED);
    }
  }

  /**
   * An inbound cluster takes only a connection pool (no upgrade, LB, outlier or TLS): its
   * DestinationRule's or its Sidecar's, else ({@code null}) istiod's default one.
   */
  static void applyInbound(Cluster.Builder cluster, HttpOptions http, ConnectionPoolSettings pool,
      UpstreamDefaults mesh) {
    connectionPool(cluster, http, pool == null ? new ConnectionPoolSettings(null, null) : pool, mesh);
  }

  /**
   * istiod's shouldH2Upgrade with the mesh-wide h2UpgradePolicy at its default (DO_NOT_UPGRADE):
   * only the rule's UPGRADE upgrades, whatever the port's protocol.
   */
  private static boolean shouldUpgradeToHttp2(ConnectionPoolSettings pool) {
    ConnectionPoolSettings.Http settings = pool.http();
    if (settings == null || Boolean.TRUE.equals(settings.useClientProtocol())) {
      return false;
    }
    // an explicit UPGRADE means the user knows the port speaks HTTP, sniffed or not
    return "UPGRADE".equals(settings.h2UpgradePolicy());
  }

  private static void connectionPool(Cluster.Builder cluster, HttpOptions http, ConnectionPoolSettings pool,
      UpstreamDefaults mesh) {
    CircuitBreakers.Thresholds.Builder threshold = ClusterDefaults.thresholds();
    String idleTimeout = null;
    int maxRequestsPerConnection = 0;
    int maxConcurrentStreams = 0;
    String maxConnectionDuration = null;
    ConnectionPoolSettings.Http settings = pool.http();
    if (settings != null) {
      if (positive(settings.http2MaxRequests())) {
        threshold.setMaxRequests(UInt32Value.of(settings.http2MaxRequests()));
      }
      if (positive(settings.http1MaxPendingRequests())) {
        threshold.setMaxPendingRequests(UInt32Value.of(settings.http1MaxPendingRequests()));
      }
      if (positive(settings.maxRetries())) {
        threshold.setMaxRetries(UInt32Value.of(settings.maxRetries()));
      }
      idleTimeout = settings.idleTimeout();
      maxRequestsPerConnection = settings.maxRequestsPerConnection() == null ? 0 : settings.maxRequestsPerConnection();
      maxConcurrentStreams = settings.maxConcurrentStreams() == null ? 0 : settings.maxConcurrentStreams();
    }
    mesh.apply(cluster);
    ConnectionPoolSettings.Tcp tcp = pool.tcp();
    if (tcp != null) {
      if (tcp.connectTimeout() != null) {
        cluster.setConnectTimeout(duration("connectionPool.tcp.connectTimeout", tcp.connectTimeout()));
      }
      if (positive(tcp.maxConnections())) {
        threshold.setMaxConnections(UInt32Value.of(tcp.maxConnections()));
      }
      maxConnectionDuration = tcp.maxConnectionDuration();
      if (idleTimeout == null) {
        idleTimeout = tcp.idleTimeout();
      }
      if (tcp.tcpKeepalive() != null) {
        // field by field over the mesh's, as istiod's applyTCPKeepalive
        UpstreamDefaults.keepalive(cluster, tcp.tcpKeepalive(), "connectionPool.tcp.tcpKeepalive");
      }
    }
    cluster.setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(threshold));
    if (maxConnectionDuration != null || idleTimeout != null || maxRequestsPerConnection > 0
        || maxConcurrentStreams > 0) {
      var common = http.common();
      if (idleTimeout != null) {
        common.setIdleTimeout(duration("connectionPool idleTimeout", idleTimeout));
      }
      if (maxRequestsPerConnection > 0) {
        common.setMaxRequestsPerConnection(UInt32Value.of(maxRequestsPerConnection));
      }
      if (maxConnectionDuration != null) {
        common.setMaxConnectionDuration(duration("connectionPool.tcp.maxConnectionDuration", maxConnectionDuration));
      }
      if (http.isHttp2() && maxConcurrentStreams > 0) {
        http.explicitHttp2().setMaxConcurrentStreams(UInt32Value.of(maxConcurrentStreams));
      }
    }
    if (settings != null && Boolean.TRUE.equals(settings.useClientProtocol())) {
      http.useDownstreamProtocol();
    }
  }

  /**
   * istiod's applyOutlierDetection: success-rate ejection off, consecutive 5xx and gateway errors
   * enforced at 100 % when set above 0, and the panic threshold set to minHealthPercent (0 unless
   * set; always 0 when the service must send unhealthy endpoints: with minHealthPercent above 0 istiod
   * otherwise leaves them out of EDS, so the threshold never counts them).
   */
  private static void outlierDetection(Cluster.Builder cluster,
      io.meshpilot.registry.networking.DestinationRule.OutlierDetection outlier, boolean forcesUnhealthy) {
    OutlierDetection.Builder out = OutlierDetection.newBuilder().setEnforcingSuccessRate(UInt32Value.of(0));
    if (outlier.consecutive5xxErrors() != null) {
      int errors = outlier.consecutive5xxErrors();
      out.setConsecutive5Xx(UInt32Value.of(errors)).setEnforcingConsecutive5Xx(UInt32Value.of(errors > 0 ? 100 : 0));
    }
    if (outlier.consecutiveGatewayErrors() != null) {
      int errors = outlier.consecutiveGatewayErrors();
      out.setConsecutiveGatewayFailure(UInt32Value.of(errors))
          .setEnforcingConsecutiveGatewayFailure(UInt32Value.of(errors > 0 ? 100 : 0));
    }
    if (outlier.interval() != null) {
      out.setInterval(duration("outlierDetection.interval", outlier.interval()));
    }
    if (outlier.baseEjectionTime() != null) {
      out.setBaseEjectionTime(duration("outlierDetection.baseEjectionTime", outlier.baseEjectionTime()));
    }
    if (positive(outlier.maxEjectionPercent())) {
      out.setMaxEjectionPercent(UInt32Value.of(outlier.maxEjectionPercent()));
    }
    if (Boolean.TRUE.equals(outlier.splitExternalLocalOriginErrors())) {
      out.setSplitExternalLocalOriginErrors(true);
      if (positive(outlier.consecutiveLocalOriginFailures())) {
        out.setConsecutiveLocalOriginFailure(UInt32Value.of(outlier.consecutiveLocalOriginFailures()))
            .setEnforcingConsecutiveLocalOriginFailure(UInt32Value.of(100));
      }
      out.setEnforcingLocalOriginSuccessRate(UInt32Value.of(0));
    }
    cluster.setOutlierDetection(out);
    int minHealthPercent = outlier.minHealthPercent() == null ? 0 : outlier.minHealthPercent();
    if (minHealthPercent >= 0) {
      cluster.getCommonLbConfigBuilder().setHealthyPanicThreshold(
          Percent.newBuilder().setValue(forcesUnhealthy ? 0 : minHealthPercent));
    }
  }

  /** istiod's applyLoadBalancer: simple policies, warmup (slow start), locality config, consistent hash. */
  private static void loadBalancer(Cluster.Builder cluster, LoadBalancerSettings lb, boolean supportsUnhealthy,
      Optional<LocalityLbPolicy> locality) {
    if (!cluster.getCommonLbConfig().hasHealthyPanicThreshold() && supportsUnhealthy) {
      cluster.getCommonLbConfigBuilder().setHealthyPanicThreshold(Percent.newBuilder().setValue(0));
    }
    if (locality.filter(LocalityLbPolicy::weightedLocalities).isPresent()) {
      cluster.getCommonLbConfigBuilder().setLocalityWeightedLbConfig(
          Cluster.CommonLbConfig.LocalityWeightedLbConfig.getDefaultInstance());
    }
    if (cluster.getType() == Cluster.DiscoveryType.ORIGINAL_DST) {
      cluster.setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED);
      return;
    }
    String simple = lb == null || lb.simple() == null ? "" : lb.simple();
    switch (simple) {
      case "LEAST_CONN", "LEAST_REQUEST" -> leastRequest(cluster, lb);
      case "RANDOM" -> cluster.setLbPolicy(Cluster.LbPolicy.RANDOM);
      case "ROUND_ROBIN" -> {
        cluster.setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN);
        slowStart(lb).ifPresent(start -> cluster.setRoundRobinLbConfig(
            Cluster.RoundRobinLbConfig.newBuilder().setSlowStartConfig(start)));
      }
      case "PASSTHROUGH" -> {
        cluster.setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED).setType(Cluster.DiscoveryType.ORIGINAL_DST)
            .clearLoadAssignment();
      }
      default -> leastRequest(cluster, lb);
    }
    if (lb != null && lb.consistentHash() != null) {
      consistentHash(cluster, lb.consistentHash());
    }
  }

  private static void leastRequest(Cluster.Builder cluster, LoadBalancerSettings lb) {
    cluster.setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST);
    slowStart(lb).ifPresent(start -> cluster.setLeastRequestLbConfig(
        Cluster.LeastRequestLbConfig.newBuilder().setSlowStartConfig(start)));
  }

  /** {@code warmup} (aggression 1 and minimum 10 % unless set), else the deprecated {@code warmupDurationSecs}. */
  private static java.util.Optional<Cluster.SlowStartConfig> slowStart(LoadBalancerSettings lb) {
    if (lb == null) {
      return java.util.Optional.empty();
    }
    Warmup warmup = lb.warmup();
    if (warmup != null) {
      Cluster.SlowStartConfig.Builder start = Cluster.SlowStartConfig.newBuilder()
          .setAggression(RuntimeDouble.newBuilder()
              .setDefaultValue(warmup.aggression() == null ? 1 : warmup.aggression()).setRuntimeKey("("))
          .setMinWeightPercent(Percent.newBuilder()
              .setValue(warmup.minimumPercent() == null ? 10 : warmup.minimumPercent().value()));
      if (warmup.duration() != null) {
        start.setSlowStartWindow(duration("warmup.duration", warmup.duration()));
      }
      return java.util.Optional.of(start.build());
    }
    if (lb.warmupDurationSecs() != null) {
      return java.util.Optional.of(Cluster.SlowStartConfig.newBuilder()
          .setSlowStartWindow(duration("warmupDurationSecs", lb.warmupDurationSecs())).build());
    }
    return java.util.Optional.empty();
  }

  /** Maglev or ring hash; ring hash with the deprecated minimumRingSize (1024 unless set) otherwise. */
  private static void consistentHash(Cluster.Builder cluster, ConsistentHash hash) {
    if (hash.maglev() != null) {
      cluster.setLbPolicy(Cluster.LbPolicy.MAGLEV);
      if (hash.maglev().tableSize() != null && hash.maglev().tableSize() != 0) {
        cluster.setMaglevLbConfig(Cluster.MaglevLbConfig.newBuilder()
            .setTableSize(UInt64Value.of(hash.maglev().tableSize())));
      }
    } else if (hash.ringHash() != null) {
      cluster.setLbPolicy(Cluster.LbPolicy.RING_HASH);
      if (hash.ringHash().minimumRingSize() != null && hash.ringHash().minimumRingSize() != 0) {
        cluster.setRingHashLbConfig(Cluster.RingHashLbConfig.newBuilder()
            .setMinimumRingSize(UInt64Value.of(hash.ringHash().minimumRingSize())));
      }
    } else {
      long size = hash.minimumRingSize() == null || hash.minimumRingSize() == 0 ? 1024 : hash.minimumRingSize();
      cluster.setLbPolicy(Cluster.LbPolicy.RING_HASH)
          .setRingHashLbConfig(Cluster.RingHashLbConfig.newBuilder().setMinimumRingSize(UInt64Value.of(size)));
    }
  }

  private static boolean positive(Integer value) {
    return value != null && value > 0;
  }

  /** A protobuf-JSON duration of the rule ({@code "1.5s"}, {@code "30ms"}). */
  static com.google.protobuf.Duration duration(String field, String value) {
    Duration parsed = Knobs.parseDuration(value)
        .orElseThrow(() -> new IllegalArgumentException(field + " is not a duration: " + value));
    return Durations.fromNanos(parsed.toNanos());
  }
}
