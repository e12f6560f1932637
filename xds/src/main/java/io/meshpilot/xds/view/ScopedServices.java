package io.meshpilot.xds.view;

import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.model.Service;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Services a Sidecar scope (or one of its egress listeners) imports, one per hostname, sorted by
 * hostname. A service imported through a port-specific egress listener only carries that port, as
 * istiod trims it; the service instance itself stays the registry's, so caches keyed by it still hit.
 *
 * @param ports the port numbers a service keeps, by hostname; a hostname not listed keeps every port
 */
public record ScopedServices(List<Service> services, Map<String, Set<Integer>> ports) {
  public static final ScopedServices NONE = new ScopedServices(List.of(), Map.of());

  public ScopedServices {
    services = List.copyOf(services);
    ports = Map.copyOf(ports);
  }

  /** The service's ports that get outbound config in this scope (see {@link OutboundPorts#served}). */
  public List<Port> servedPorts(Service service) {
    Set<Integer> kept = ports.get(service.hostname());
    List<Port> served = OutboundPorts.served(service);
    return kept == null ? served : served.stream().filter(p -> kept.contains(p.port())).toList();
  }

  /** True when the port is served (see {@link OutboundPorts#served}) and the scope keeps it. */
  public boolean serves(Service service, Port port) {
    Set<Integer> kept = ports.get(service.hostname());
    return (kept == null || kept.contains(port.port())) && OutboundPorts.served(service, port);
  }

  /** The port with this number when the scope keeps it and it carries HTTP (see {@link OutboundPorts#routed}). */
  public Optional<Port> routed(Service service, int number) {
    Set<Integer> kept = ports.get(service.hostname());
    return kept != null && !kept.contains(number) ? Optional.empty() : OutboundPorts.routed(service, number);
  }

  /**
   * The service's ports as the scope keeps them, UDP ones included (what istiod's trimmed service
   * copy lists; {@link #servedPorts} is the subset that gets config).
   */
  public List<Port> keptPorts(Service service) {
    Set<Integer> kept = ports.get(service.hostname());
    return kept == null ? service.ports() : service.ports().stream().filter(p -> kept.contains(p.port())).toList();
  }

  /** Indexes the services by hostname. */
  Map<String, Service> byHostname() {
    Map<String, Service> index = new HashMap<>();
    services.forEach(s -> index.put(s.hostname(), s));
    return Map.copyOf(index);
  }
}
