package io.meshpilot.xds.view;

import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.networking.Destination;
import io.meshpilot.registry.networking.VirtualService;
import io.meshpilot.registry.networking.VirtualService.HttpRoute;
import io.meshpilot.registry.model.Service;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The services an egress listener's VirtualServices send traffic to (istiod's
 * collectImportedServices inferring destinations): every route, mirror, TCP and TLS destination,
 * HTTP routes matching another {@code sourceNamespace} left out. A Sidecar that imports a
 * VirtualService's host thus gets the clusters its routes need even when it does not import them.
 */
final class VirtualServiceDestinations {
  /** The port a destination without one stands for: every port of the service. */
  private static final int ANY_PORT = 0;

  private VirtualServiceDestinations() {}

  /**
   * @param egress the listener, with the VirtualServices it selects
   * @param namespace the proxies' config namespace
   * @param visible the services visible to that namespace, oldest first
   * @return the destinations' services, one per hostname (ServicePrecedence picks among namespaces),
   *     each with the ports the listener's port or the destinations name
   */
  static ScopedServices services(SidecarScope.Egress egress, String namespace, List<Service> visible) {
    Map<String, Set<Integer>> destinations = new LinkedHashMap<>();
    for (MeshVirtualService vs : egress.virtualServices()) {
      collect(vs.spec(), namespace, destinations);
    }
    if (destinations.isEmpty()) {
      return ScopedServices.NONE;
    }
    List<Service> candidates = visible.stream().filter(s -> destinations.containsKey(s.hostname())).toList();
    List<Service> services = new ArrayList<>();
    Map<String, Set<Integer>> ports = new HashMap<>();
    for (Service service : ServicePrecedence.onePerHostname(candidates, namespace)) {
      Set<Integer> named = destinations.get(service.hostname());
      if (egress.port().isPresent()) {
        int listenerPort = egress.port().getAsInt();
        if (service.port(listenerPort).isPresent()) {
          services.add(service);
          ports.put(service.hostname(), Set.of(listenerPort));
        }
      } else if (named.contains(ANY_PORT)) {
        services.add(service);
      } else {
        Set<Integer> found = new HashSet<>();
        service.ports().stream().map(Port::port).filter(named::contains).forEach(found::add);
        if (!found.isEmpty()) { // none of the named ports: traffic could not route, istiod skips it
          services.add(service);
          if (found.size() < service.ports().size()) {
            ports.put(service.hostname(), found);
          }
        }
      }
    }
    return new ScopedServices(services, ports);
  }

  private static void collect(VirtualService spec, String namespace, Map<String, Set<Integer>> out) {
    for (HttpRoute http : spec.http()) {
      if (!fromNamespace(http, namespace)) {
        continue;
      }
      http.route().forEach(r -> add(r.destination(), out));
      add(http.mirror(), out);
      http.mirrors().forEach(m -> add(m.destination(), out));
    }
    spec.tcp().forEach(t -> t.route().forEach(r -> add(r.destination(), out)));
    spec.tls().forEach(t -> t.route().forEach(r -> add(r.destination(), out)));
  }

  /** False when the route's matches all name another source namespace. */
  private static boolean fromNamespace(HttpRoute http, String namespace) {
    boolean matched = true;
    for (VirtualService.HttpMatchRequest match : http.match()) {
      String source = match.sourceNamespace();
      if (source != null && !source.isEmpty()) {
        if (source.equals(namespace)) {
          return true;
        }
        matched = false;
      }
    }
    return matched;
  }

  private static void add(Destination destination, Map<String, Set<Integer>> out) {
    if (destination == null || destination.host() == null) {
      return;
    }
    int port = destination.port() != null && destination.port().number() != null
        ? destination.port().number() : ANY_PORT;
    out.computeIfAbsent(destination.host(), h -> new HashSet<>()).add(port);
  }
}
