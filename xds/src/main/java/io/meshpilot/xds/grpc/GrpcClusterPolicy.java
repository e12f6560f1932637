package io.meshpilot.xds.grpc;

import com.google.protobuf.UInt32Value;
import com.google.protobuf.UInt64Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.meshpilot.registry.networking.DestinationRule.ConsistentHash;
import io.meshpilot.registry.networking.DestinationRule.LoadBalancerSettings;
import io.meshpilot.registry.networking.DestinationRule.TrafficPolicy;

/**
 * The part of a DestinationRule policy proxyless gRPC honours (istiod's grpcgen applyTrafficPolicy):
 * LEAST_REQUEST and ring-hash load balancing, and {@code http2MaxRequests} as the circuit breaker's
 * {@code max_requests} (gRFC A32: the only threshold gRPC reads). Maglev, which grpc-java does not
 * implement, and the other simple policies keep gRPC's round robin.
 */
final class GrpcClusterPolicy {
  private GrpcClusterPolicy() {}

  static void apply(Cluster.Builder cluster, TrafficPolicy policy) {
    if (policy == null) {
      return;
    }
    LoadBalancerSettings lb = policy.loadBalancer();
    if (lb != null) {
      ConsistentHash hash = lb.consistentHash();
      if (hash != null) {
        if (hash.ringHash() != null) {
          cluster.setLbPolicy(Cluster.LbPolicy.RING_HASH);
          Long size = hash.ringHash().minimumRingSize();
          if (size != null && size != 0) {
            cluster.setRingHashLbConfig(Cluster.RingHashLbConfig.newBuilder().setMinimumRingSize(UInt64Value.of(size)));
          }
        } else if (hash.maglev() == null) {
          Long size = hash.minimumRingSize();
          cluster.setLbPolicy(Cluster.LbPolicy.RING_HASH).setRingHashLbConfig(Cluster.RingHashLbConfig.newBuilder()
              .setMinimumRingSize(UInt64Value.of(size == null || size == 0 ? 1024 : size)));
        }
      } else if ("LEAST_REQUEST".equals(lb.simple()) || "LEAST_CONN".equals(lb.simple())) {
        cluster.setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST);
      }
    }
    var pool = policy.connectionPool();
    if (pool != null && pool.http() != null && pool.http().http2MaxRequests() != null
        && pool.http().http2MaxRequests() > 0) {
      cluster.setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(CircuitBreakers.Thresholds.newBuilder()
          .setMaxRequests(UInt32Value.of(pool.http().http2MaxRequests()))));
    }
  }
}
