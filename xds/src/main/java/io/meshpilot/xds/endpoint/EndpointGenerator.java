package io.meshpilot.xds.endpoint;

import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.model.Resolution;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.xds.cache.Ref;
import io.meshpilot.xds.cluster.ClusterNames;
import io.meshpilot.xds.conflict.Conflict;
import io.meshpilot.xds.conflict.GeneratedResource;
import io.meshpilot.xds.conflict.GenerationConflicts;
import io.meshpilot.registry.networking.DestinationRule;
import java.util.List;
import java.util.Map;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.view.AppliedDestinationRule;
import io.meshpilot.xds.view.PushContext;
import java.util.Optional;
import java.util.Set;

/**
 * EDS for sidecars (reference istio-xds.md §4): one ClusterLoadAssignment per requested cluster
 * name; a subset cluster's holds the endpoints carrying the subset's labels. A name that does not
 * denote an EDS cluster of the proxy's Sidecar scope (or a subset the applying rule does not declare) gets an empty
 * assignment, as istiod answers, so Envoy can finish warming. When locality load balancing applies
 * to the cluster ({@link LocalityLbPolicy}), its localities get priorities and weights relative to
 * the proxy's locality.
 */
public final class EndpointGenerator {
  /**
   * A ClusterLoadAssignment depends on its name, the service, the port's endpoint list (the shards'
   * lists by identity), for a subset cluster the subset's labels, and, only when a locality load
   * balancing policy shapes it, that policy and what of the proxy it is relative to (so proxies of
   * one locality share it, and without a policy every proxy does).
   */
  private record Key(String clusterName, Ref<Service> service, Ref<List<Endpoint>> endpoints,
      Map<String, String> subsetLabels, LocalityKey locality) {}

  /** A locality policy and the proxy's side of it; {@code null} in a {@link Key} when none applies. */
  private record LocalityKey(LocalityLbPolicy policy, ClientLocality client) {}

  private EndpointGenerator() {}

  public static ClusterLoadAssignment generate(String clusterName, Proxy proxy, PushContext push) {
    ClusterLoadAssignment.Builder cla = ClusterLoadAssignment.newBuilder().setClusterName(clusterName);
    Optional<ClusterNames.Outbound> name = ClusterNames.parseOutbound(clusterName);
    if (name.isEmpty()) {
      return cla.build();
    }
    Optional<Service> service = push.service(proxy, name.get().hostname())
        .filter(s -> s.resolution() == Resolution.CLIENT_SIDE_LB);
    // a port the proxy's Sidecar scope does not import has no cluster, so no endpoints either
    Optional<Port> port = service.flatMap(s -> s.port(name.get().port())
        .filter(p -> push.sidecarScope(proxy).services().serves(s, p)));
    if (port.isEmpty()) {
      return cla.build();
    }
    Optional<AppliedDestinationRule> rule = push.destinationRule(proxy, service.get());
    Map<String, String> subsetLabels = Map.of();
    if (!name.get().subset().isEmpty()) {
      // a subset the rule that applies to this proxy does not declare has no endpoints
      Optional<Map<String, String>> labels = rule.flatMap(r -> r.subset(name.get().subset()))
          .map(DestinationRule.Subset::labels);
      if (labels.isEmpty()) {
        return cla.build();
      }
      subsetLabels = labels.get();
    }
    Map<String, String> selector = subsetLabels;
    Optional<LocalityLbPolicy> locality = LocalityLbPolicy.forEndpoints(rule, name.get().subset(), service.get(),
        port.get().port(), push.settings().localityLbSetting());
    ClientLocality client = ClientLocality.of(proxy, push, locality);
    GeneratedResource resource = new GeneratedResource("EDS", clusterName, proxy.namespace());
    try {
      List<Endpoint> endpoints = push.endpoints(service.get(), port.get());
      ClusterLoadAssignment built = push.cache().get(
          new Key(clusterName, Ref.to(service.get()), Ref.to(endpoints), selector,
              locality.map(p -> new LocalityKey(p, client)).orElse(null)),
          () -> cla.addAllEndpoints(LocalityEndpoints.build(service.get(),
              SubsetEndpoints.select(endpoints, selector), locality, client)).build());
      GenerationConflicts.shared().replace(resource, Set.of());
      return built;
    } catch (RuntimeException e) {
      // reported (one log line, rejectedz); the caller leaves this assignment out of the response
      GenerationConflicts.shared().replace(resource,
          Set.of(Conflict.generationFailed(service.get(), "endpoints " + clusterName, e)));
      throw e;
    }
  }
}
