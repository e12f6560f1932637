package io.meshpilot.xds.grpc;

import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.model.Resolution;
import io.meshpilot.registry.model.Service;
import io.meshpilot.xds.cluster.ClusterNames;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.view.PushContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The service port behind an {@code outbound|<port>||<host>} name, when gRPC can reach it over EDS:
 * a visible service whose endpoints meshpilot knows (ClusterIP and STATIC services, and headless
 * ones, since gRPC balances over pod addresses itself). DNS-resolved services have no endpoints to
 * send and get no cluster; subsets do not exist until DestinationRules do.
 */
record ClusterTarget(String name, Service service, Port port) {

  static Optional<ClusterTarget> resolve(String clusterName, Proxy proxy, PushContext push) {
    return ClusterNames.parseOutbound(clusterName)
        .filter(name -> name.subset().isEmpty())
        .flatMap(name -> push.service(proxy, name.hostname())
            .filter(ClusterTarget::hasEndpoints)
            .flatMap(service -> service.port(name.port())
                .filter(port -> push.sidecarScope(proxy).services().serves(service, port))
                .map(port -> new ClusterTarget(clusterName, service, port))));
  }

  /** Every cluster the proxy could ask for: the answer to a CDS request naming nothing. */
  static List<ClusterTarget> all(Proxy proxy, PushContext push) {
    List<ClusterTarget> targets = new ArrayList<>();
    for (Service service : push.services(proxy)) {
      if (hasEndpoints(service)) {
        for (Port port : push.sidecarScope(proxy).services().servedPorts(service)) {
          targets.add(new ClusterTarget(ClusterNames.outbound(port.port(), service.hostname()), service, port));
        }
      }
    }
    return List.copyOf(targets);
  }

  private static boolean hasEndpoints(Service service) {
    return service.resolution() == Resolution.CLIENT_SIDE_LB || service.resolution() == Resolution.PASSTHROUGH;
  }
}
