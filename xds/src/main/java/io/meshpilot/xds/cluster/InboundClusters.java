package io.meshpilot.xds.cluster;

import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.networking.DestinationRule;
import io.meshpilot.registry.networking.DestinationRule.ConnectionPoolSettings;
import io.meshpilot.xds.view.AppliedDestinationRule;
import io.meshpilot.xds.view.DestinationRules;
import io.meshpilot.xds.view.InboundConnectionPools;
import io.meshpilot.xds.view.ServiceTarget;
import io.meshpilot.xds.view.SidecarIngress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code inbound|<targetPort>||} clusters, one per workload port of the proxy's own services
 * (reference istio-xds.md §3.7): the app is reached at the original destination, from 127.0.0.6;
 * or one per Sidecar ingress listener.
 */
final class InboundClusters {
  /** istiod's "never clean up" interval for inbound ORIGINAL_DST hosts. */
  private static final com.google.protobuf.Duration NEVER = Durations.fromSeconds(9223372035L);

  private InboundClusters() {}

  static List<Cluster> build(List<ServiceTarget> targets, UpstreamDefaults mesh, DestinationRules rules,
      InboundConnectionPools pools) {
    Map<Integer, List<ServiceTarget>> byPort = new TreeMap<>();
    targets.stream()
        .sorted(Comparator.comparing((ServiceTarget t) -> t.service().creationTime())
            .thenComparing(t -> t.service().hostname()))
        .forEach(t -> byPort.computeIfAbsent(t.targetPort(), p -> new ArrayList<>()).add(t));
    List<Cluster> clusters = new ArrayList<>();
    byPort.forEach((port, onPort) -> clusters.add(cluster(port, onPort, mesh, rules, pools)));
    return clusters;
  }

  /**
   * The cluster of a Sidecar ingress listener: STATIC to its {@code defaultEndpoint}, or to the
   * original destination (from 127.0.0.6, as for service ports) when it names none; with the
   * Sidecar's connection pool for the port, else istiod's default one.
   */
  static Cluster forIngress(SidecarIngress ingress, UpstreamDefaults mesh, InboundConnectionPools pools) {
    Duration connectTimeout = mesh.connectTimeout();
    String name = ClusterNames.inbound(ingress.port());
    Cluster.Builder cluster;
    if (ingress.endpointAddress().isEmpty()) {
      cluster = ClusterDefaults.cluster(name, Cluster.DiscoveryType.ORIGINAL_DST, connectTimeout)
          .setCleanupInterval(NEVER)
          .setUpstreamBindConfig(SpecialClusters.inboundBind());
    } else {
      cluster = ClusterDefaults.cluster(name, Cluster.DiscoveryType.STATIC, connectTimeout)
          .setLoadAssignment(ClusterLoadAssignment.newBuilder().setClusterName(name)
              .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder()
                  .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder().setSocketAddress(
                      SocketAddress.newBuilder().setAddress(ingress.endpointAddress())
                          .setPortValue(ingress.endpointPort())))))));
    }
    HttpOptions http = HttpOptions.forProtocol(ingress.protocol());
    ClusterPolicy.applyInbound(cluster, http, pools.forPort(ingress.port()).orElse(null), mesh);
    http.build().ifPresent(options -> cluster.putTypedExtensionProtocolOptions(HttpOptions.KEY, options));
    return cluster.build();
  }

  /**
   * The oldest service on the port decides its protocol, as it decides the inbound chain, and whose
   * DestinationRule lends the cluster its connection pool: istiod sets client-side circuit breakers
   * on the receiving side too, so the server has the capacity its clients were given. A pool the
   * Sidecar sets for the port replaces the rule's (it resolves which of several services decides).
   */
  private static Cluster cluster(int targetPort, List<ServiceTarget> targets, UpstreamDefaults mesh,
      DestinationRules rules, InboundConnectionPools pools) {
    List<Service> services = targets.stream().map(ServiceTarget::service).distinct().toList();
    ServiceTarget first = targets.get(0);
    Optional<AppliedDestinationRule> rule = rules.forInbound(first.service())
        .filter(r -> r.rule().trafficPolicy() != null);
    Cluster.Builder cluster = ClusterDefaults.cluster(ClusterNames.inbound(targetPort),
            Cluster.DiscoveryType.ORIGINAL_DST, mesh.connectTimeout())
        .setCleanupInterval(NEVER)
        .setUpstreamBindConfig(SpecialClusters.inboundBind())
        .setMetadata(rule.isEmpty() ? ServiceMetadata.of(services, false)
            : ServiceMetadata.of(services, false, rule.get().configPath(), "", false));
    HttpOptions http = HttpOptions.forProtocol(first.port().protocol());
    ConnectionPoolSettings rulePool = rule.map(r -> TrafficPolicies.forPort(r.rule().trafficPolicy(),
        first.port().port())).map(DestinationRule.TrafficPolicy::connectionPool).orElse(null);
    ClusterPolicy.applyInbound(cluster, http, pools.forPort(targetPort).orElse(rulePool), mesh);
    http.build().ifPresent(options -> cluster.putTypedExtensionProtocolOptions(HttpOptions.KEY, options));
    return cluster.build();
  }
}
