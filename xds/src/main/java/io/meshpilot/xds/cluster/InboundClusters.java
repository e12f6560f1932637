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
    oldestFirst(targets).forEach(t -> byPort.computeIfAbsent(t.targetPort(), p -> new ArrayList<>()).add(t));
    List<Cluster> clusters = new ArrayList<>();
    byPort.forEach((port, onPort) -> clusters.add(cluster(port, onPort, mesh, rules, pools)));
    return clusters;
  }

  private static List<ServiceTarget> oldestFirst(List<ServiceTarget> targets) {
    return targets.stream()
        .sorted(Comparator.comparing((ServiceTarget t) -> t.service().creationTime())
            .thenComparing(t -> t.service().hostname()))
        .toList();
  }

  /**
   * The cluster of a Sidecar ingress listener: STATIC to its {@code defaultEndpoint} (round robin:
   * istiod applies no load balancer inbound), or to the original destination (from 127.0.0.6, as
   * for service ports) when it names none. The proxy's oldest service whose target port is the
   * listener's port gives it its metadata and its DestinationRule's connection pool, as istiod's
   * findOrCreateService picks it; the Sidecar's connection pool for the port replaces that pool,
   * and with neither it has istiod's default one.
   *
   * @param targets the proxy's service targets
   */
  static Cluster forIngress(SidecarIngress ingress, List<ServiceTarget> targets, UpstreamDefaults mesh,
      DestinationRules rules, InboundConnectionPools pools) {
    Duration connectTimeout = mesh.connectTimeout();
    String name = ClusterNames.inbound(ingress.port());
    Cluster.Builder cluster;
    if (ingress.endpointAddress().isEmpty()) {
      cluster = ClusterDefaults.cluster(name, Cluster.DiscoveryType.ORIGINAL_DST, connectTimeout)
          .setCleanupInterval(NEVER)
          .setUpstreamBindConfig(SpecialClusters.inboundBind());
    } else {
      cluster = ClusterDefaults.cluster(name, Cluster.DiscoveryType.STATIC, connectTimeout)
          .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN)
          .setLoadAssignment(ClusterLoadAssignment.newBuilder().setClusterName(name)
              .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder()
                  .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder().setSocketAddress(
                      SocketAddress.newBuilder().setAddress(ingress.endpointAddress())
                          .setPortValue(ingress.endpointPort())))))));
    }
    HttpOptions http = HttpOptions.forProtocol(ingress.protocol());
    Optional<ServiceTarget> target = oldestFirst(targets).stream().filter(t -> t.targetPort() == ingress.port())
        .findFirst();
    Optional<ConnectionPoolSettings> sidecarPool = pools.forPort(ingress.port());
    if (target.isPresent()) {
      withService(cluster, http, List.of(target.get().service()), target.get().port().port(), mesh, rules, sidecarPool);
    } else {
      ClusterPolicy.applyInbound(cluster, http, sidecarPool.orElse(null), mesh);
    }
    http.build().ifPresent(options -> cluster.putTypedExtensionProtocolOptions(HttpOptions.KEY, options));
    return cluster.build();
  }

  /**
   * The services' metadata and the connection pool: the Sidecar's for the port if it sets one, else
   * the first service's DestinationRule's for the port.
   */
  private static void withService(Cluster.Builder cluster, HttpOptions http, List<Service> services, int port,
      UpstreamDefaults mesh, DestinationRules rules, Optional<ConnectionPoolSettings> sidecarPool) {
    Optional<AppliedDestinationRule> rule = rules.forInbound(services.get(0))
        .filter(r -> r.rule().trafficPolicy() != null);
    cluster.setMetadata(rule.isEmpty() ? ServiceMetadata.of(services, false)
        : ServiceMetadata.of(services, false, rule.get().configPath(), "", false));
    ConnectionPoolSettings rulePool = rule.map(r -> TrafficPolicies.forPort(r.rule().trafficPolicy(), port))
        .map(DestinationRule.TrafficPolicy::connectionPool).orElse(null);
    ClusterPolicy.applyInbound(cluster, http, sidecarPool.orElse(rulePool), mesh);
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
    Cluster.Builder cluster = ClusterDefaults.cluster(ClusterNames.inbound(targetPort),
            Cluster.DiscoveryType.ORIGINAL_DST, mesh.connectTimeout())
        .setCleanupInterval(NEVER)
        .setUpstreamBindConfig(SpecialClusters.inboundBind());
    HttpOptions http = HttpOptions.forProtocol(first.port().protocol());
    withService(cluster, http, services, first.port().port(), mesh, rules, pools.forPort(targetPort));
    http.build().ifPresent(options -> cluster.putTypedExtensionProtocolOptions(HttpOptions.KEY, options));
    return cluster.build();
  }
}
