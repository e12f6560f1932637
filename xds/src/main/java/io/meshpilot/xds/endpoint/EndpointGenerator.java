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
import java.util.List;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.view.PushContext;
import java.util.Optional;
import java.util.Set;

/**
 * EDS for sidecars (reference istio-xds.md §4): one ClusterLoadAssignment per requested cluster
 * name. A name that does not denote an EDS cluster of the proxy's Sidecar scope gets an empty
 * assignment, as istiod answers, so Envoy can finish warming.
 */
public final class EndpointGenerator {
  /** A ClusterLoadAssignment depends on its name, the service and the port's endpoint list. */
  private record Key(String clusterName, Ref<Service> service, Ref<List<Endpoint>> endpoints) {}

  private EndpointGenerator() {}

  public static ClusterLoadAssignment generate(String clusterName, Proxy proxy, PushContext push) {
    ClusterLoadAssignment.Builder cla = ClusterLoadAssignment.newBuilder().setClusterName(clusterName);
    Optional<ClusterNames.Outbound> name = ClusterNames.parseOutbound(clusterName);
    if (name.isEmpty() || !name.get().subset().isEmpty()) {
      return cla.build(); // no DestinationRule subsets exist yet
    }
    Optional<Service> service = push.service(proxy, name.get().hostname())
        .filter(s -> s.resolution() == Resolution.CLIENT_SIDE_LB);
    // a port the proxy's Sidecar scope does not import has no cluster, so no endpoints either
    Optional<Port> port = service.flatMap(s -> s.port(name.get().port())
        .filter(p -> push.sidecarScope(proxy).services().serves(s, p)));
    if (port.isEmpty()) {
      return cla.build();
    }
    GeneratedResource resource = new GeneratedResource("EDS", clusterName, proxy.namespace());
    try {
      List<Endpoint> endpoints = push.endpoints(service.get(), port.get());
      ClusterLoadAssignment built = push.cache().get(new Key(clusterName, Ref.to(service.get()), Ref.to(endpoints)),
          () -> cla.addAllEndpoints(LocalityEndpoints.build(service.get(), endpoints)).build());
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
