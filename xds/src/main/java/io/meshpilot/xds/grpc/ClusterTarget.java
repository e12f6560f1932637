package io.meshpilot.xds.grpc;

import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.model.Resolution;
import io.meshpilot.registry.model.Service;
import io.meshpilot.xds.cluster.ClusterNames;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.view.AppliedDestinationRule;
import io.meshpilot.xds.view.PushContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The service port (and DestinationRule subset) behind an {@code outbound|<port>|<subset>|<host>}
 * name, when gRPC can reach it over EDS: a visible service whose endpoints meshpilot knows
 * (ClusterIP and STATIC services, and headless ones, since gRPC balances over pod addresses
 * itself), and a subset the DestinationRule that applies declares. DNS-resolved services have no
 * endpoints to send and get no cluster.
 *
 * @param subset the subset name, {@code ""} for the default cluster
 * @param rule the DestinationRule that applies to the service for this client, if any
 */
record ClusterTarget(String name, Service service, Port port, String subset, Optional<AppliedDestinationRule> rule) {

  static Optional<ClusterTarget> resolve(String clusterName, Proxy proxy, PushContext push) {
    return ClusterNames.parseOutbound(clusterName)
        .flatMap(name -> push.service(proxy, name.hostname())
            .filter(ClusterTarget::hasEndpoints)
            .flatMap(service -> service.port(name.port())
                .filter(port -> push.sidecarScope(proxy).services().serves(service, port))
                .flatMap(port -> target(clusterName, service, port, name.subset(), push.destinationRule(proxy, service)))));
  }

  private static Optional<ClusterTarget> target(String clusterName, Service service, Port port, String subset,
      Optional<AppliedDestinationRule> rule) {
    if (!subset.isEmpty() && rule.flatMap(r -> r.subset(subset)).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ClusterTarget(clusterName, service, port, subset, rule));
  }

  /** Every cluster the proxy could ask for: the answer to a CDS request naming nothing. */
  static List<ClusterTarget> all(Proxy proxy, PushContext push) {
    List<ClusterTarget> targets = new ArrayList<>();
    for (Service service : push.services(proxy)) {
      if (hasEndpoints(service)) {
        Optional<AppliedDestinationRule> rule = push.destinationRule(proxy, service);
        for (Port port : push.sidecarScope(proxy).services().servedPorts(service)) {
          targets.add(new ClusterTarget(ClusterNames.outbound(port.port(), service.hostname()), service, port, "",
              rule));
          rule.ifPresent(r -> r.rule().subsets().forEach(subset -> targets.add(new ClusterTarget(
              ClusterNames.outbound(port.port(), subset.name(), service.hostname()), service, port, subset.name(),
              rule))));
        }
      }
    }
    return List.copyOf(targets);
  }

  /** The subset's labels, empty for the default cluster. */
  java.util.Map<String, String> subsetLabels() {
    return subset.isEmpty() ? java.util.Map.of()
        : rule.flatMap(r -> r.subset(subset)).map(s -> s.labels()).orElse(java.util.Map.of());
  }

  private static boolean hasEndpoints(Service service) {
    return service.resolution() == Resolution.CLIENT_SIDE_LB || service.resolution() == Resolution.PASSTHROUGH;
  }
}
