package io.meshpilot.xds.listener;

import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.networking.Destination;
import io.meshpilot.registry.networking.VirtualService.L4MatchAttributes;
import io.meshpilot.registry.networking.VirtualService.RouteDestination;
import io.meshpilot.registry.networking.VirtualService.TcpRoute;
import io.meshpilot.registry.networking.VirtualService.TlsMatchAttributes;
import io.meshpilot.registry.networking.VirtualService.TlsRoute;
import io.meshpilot.xds.cluster.ClusterNames;
import io.meshpilot.xds.route.ConfigMetadata;
import io.meshpilot.xds.route.RouteSource;
import io.meshpilot.xds.view.HostNames;
import io.meshpilot.xds.view.MeshVirtualService;
import io.meshpilot.xds.view.VirtualServices;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The TCP chains of a service port on an outbound listener, from VirtualService {@code tls} and
 * {@code tcp} routes as istiod builds them ({@code buildSidecarOutboundTLSFilterChainOpts},
 * {@code buildSidecarOutboundTCPFilterChainOpts}): on a TLS port, a chain per SNI match; on a TCP
 * port, the first match-all route (or chains for its destination subnets); the service's own chain
 * when no route applies. One destination is a plain tcp_proxy; several are weighted clusters with the
 * VirtualService's {@code <name>.<namespace>} as stat prefix.
 */
final class TcpRoutes {
  private TcpRoutes() {}

  /**
   * @param own the service's own chain (its CIDR, SNI and cluster), used when no route applies
   * @param virtualServices the proxy's VirtualServices in istiod's order
   * @param lookup visible services by hostname (a destination without a port on a one-port service uses that port)
   */
  static List<OutboundSlot.TcpChain> chains(Service service, Port port, OutboundSlot.TcpChain own,
      List<MeshVirtualService> virtualServices, RouteSource source, Function<String, Optional<Service>> lookup) {
    List<MeshVirtualService> forHost = virtualServices.stream()
        .filter(vs -> vs.spec().hosts().stream().anyMatch(h -> HostNames.matches(h, service.hostname())))
        .toList();
    if (forHost.isEmpty()) {
      return List.of(own);
    }
    List<OutboundSlot.TcpChain> out = port.protocol().isTls()
        ? tls(forHost, port, own, source, lookup) : tcp(forHost, port, own, source, lookup);
    return out.isEmpty() ? List.of(own) : out;
  }

  private static List<OutboundSlot.TcpChain> tls(List<MeshVirtualService> forHost, Port port,
      OutboundSlot.TcpChain own, RouteSource source, Function<String, Optional<Service>> lookup) {
    List<OutboundSlot.TcpChain> out = new ArrayList<>();
    Set<List<List<String>>> handled = new HashSet<>(); // runtime predicates already served
    for (MeshVirtualService vs : forHost) {
      for (TlsRoute tls : vs.spec().tls()) {
        if (tls.route().isEmpty()) {
          continue;
        }
        for (TlsMatchAttributes match : tls.match()) {
          if (!applies(match.gateways(), match.port(), match.sourceLabels(), match.sourceNamespace(), port, source)) {
            continue;
          }
          List<String> cidrs = match.destinationSubnets().isEmpty() ? own.cidrs() : match.destinationSubnets();
          // a later match with the same SNI hosts and subnets is never reached
          if (handled.add(List.of(match.sniHosts(), match.destinationSubnets()))) {
            out.add(new OutboundSlot.TcpChain(cidrs, match.sniHosts(), target(vs, tls.route(), port, lookup),
                port.protocol()));
          }
        }
      }
    }
    return out;
  }

  private static List<OutboundSlot.TcpChain> tcp(List<MeshVirtualService> forHost, Port port,
      OutboundSlot.TcpChain own, RouteSource source, Function<String, Optional<Service>> lookup) {
    List<OutboundSlot.TcpChain> out = new ArrayList<>();
    for (MeshVirtualService vs : forHost) {
      for (TcpRoute tcp : vs.spec().tcp()) {
        if (tcp.route().isEmpty()) {
          continue;
        }
        if (tcp.match().isEmpty()) {
          out.add(new OutboundSlot.TcpChain(own.cidrs(), List.of(), target(vs, tcp.route(), port, lookup),
              port.protocol()));
          return out; // a route for every connection: nothing after it is reached
        }
        List<String> subnets = new ArrayList<>();
        for (L4MatchAttributes match : tcp.match()) {
          if (applies(match.gateways(), match.port(), match.sourceLabels(), match.sourceNamespace(), port, source)) {
            if (match.destinationSubnets().isEmpty()) {
              out.add(new OutboundSlot.TcpChain(own.cidrs(), List.of(), target(vs, tcp.route(), port, lookup),
              port.protocol()));
              return out;
            }
            subnets.addAll(match.destinationSubnets());
          }
        }
        if (!subnets.isEmpty()) {
          TcpTarget target = target(vs, tcp.route(), port, lookup);
          // istiod leaves the VirtualService out of a subnet chain's metadata
          out.add(new OutboundSlot.TcpChain(subnets, List.of(),
              new TcpTarget(target.statPrefix(), target.clusters(), ""), port.protocol()));
          if (new HashSet<>(subnets).equals(new HashSet<>(own.cidrs()))) {
            return out; // the same match as the service's own chain: that one would be refused
          }
        }
      }
    }
    out.add(own);
    return out;
  }

  /** istiod's {@code matchTCP}/{@code matchTLS}: the mesh gateway, the listener port, the proxy's source. */
  private static boolean applies(List<String> gateways, Integer matchPort, Map<String, String> sourceLabels,
      String sourceNamespace, Port port, RouteSource source) {
    boolean gatewayMatch = gateways.isEmpty() || gateways.contains(VirtualServices.MESH_GATEWAY);
    boolean portMatch = matchPort == null || matchPort == 0 || matchPort == port.port();
    return gatewayMatch && portMatch && source.matches(sourceLabels, sourceNamespace);
  }

  private static TcpTarget target(MeshVirtualService vs, List<RouteDestination> routes, Port port,
      Function<String, Optional<Service>> lookup) {
    String path = ConfigMetadata.path(vs);
    if (routes.size() == 1) {
      String cluster = cluster(routes.get(0).destination(), port, lookup);
      return new TcpTarget(cluster, List.of(new TcpTarget.Weighted(cluster, 0)), path);
    }
    List<TcpTarget.Weighted> weighted = new ArrayList<>();
    for (RouteDestination route : routes) {
      if (route.weight() != null && route.weight() > 0) {
        weighted.add(new TcpTarget.Weighted(cluster(route.destination(), port, lookup), route.weight()));
      }
    }
    return new TcpTarget(vs.name() + "." + vs.namespace(), weighted, path);
  }

  /** istiod's {@code GetDestinationCluster}: the destination's port, else a one-port service's port, else the listener's. */
  private static String cluster(Destination destination, Port port, Function<String, Optional<Service>> lookup) {
    if (destination == null || destination.host() == null || destination.host().isEmpty()) {
      return "UnknownService";
    }
    int number = port.port();
    if (destination.port() != null && destination.port().number() != null) {
      number = destination.port().number();
    } else {
      Optional<Service> target = lookup.apply(destination.host());
      if (target.isPresent() && target.get().ports().size() == 1) {
        number = target.get().ports().get(0).port();
      }
    }
    return ClusterNames.outbound(number, destination.subset(), destination.host());
  }
}
