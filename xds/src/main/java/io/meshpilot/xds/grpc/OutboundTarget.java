package io.meshpilot.xds.grpc;

import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.model.Service;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.route.ServiceAddresses;
import io.meshpilot.xds.view.PushContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The service port a gRPC channel target names. gRPC asks for the Listener {@code <host>:<port>}
 * taken from {@code xds:///<host>:<port>}; like istiod (istio-xds.md §5.2) the host may be the FQDN
 * or a short name the proxy's DNS domain completes ({@code reviews}, {@code reviews.default},
 * {@code reviews.default.svc}), and, beyond istiod, one of the service's VIPs.
 */
record OutboundTarget(Service service, Port port) {

  static Optional<OutboundTarget> resolve(String listenerName, Proxy proxy, PushContext push) {
    return HostPort.parse(listenerName).flatMap(target -> service(target.host(), proxy, push)
        .flatMap(service -> service.port(target.port())
            .filter(port -> push.sidecarScope(proxy).services().serves(service, port))
            .map(port -> new OutboundTarget(service, port))));
  }

  /** Every visible service port, the targets LDS answers with when no name is asked for. */
  static List<OutboundTarget> all(Proxy proxy, PushContext push) {
    List<OutboundTarget> targets = new ArrayList<>();
    for (Service service : push.services(proxy)) {
      for (Port port : push.sidecarScope(proxy).services().servedPorts(service)) {
        targets.add(new OutboundTarget(service, port));
      }
    }
    return List.copyOf(targets);
  }

  /** {@code <hostname>:<port>}, the canonical listener name of this target. */
  String listenerName() {
    return service.hostname() + ":" + port.port();
  }

  private static Optional<Service> service(String host, Proxy proxy, PushContext push) {
    Optional<Service> exact = push.service(proxy, host);
    if (exact.isPresent()) {
      return exact;
    }
    Optional<Service> expanded = fqdn(host, proxy).flatMap(name -> push.service(proxy, name));
    if (expanded.isPresent()) {
      return expanded;
    }
    return push.services(proxy).stream()
        .filter(s -> ServiceAddresses.forProxy(s, proxy).contains(host))
        .findFirst();
  }

  /**
   * istiod's short-name completion: {@code name} → {@code name.<dnsDomain>}; {@code name.<ns>} and
   * {@code name.<ns>.svc} → {@code name.<dnsDomain>} when {@code ns} is the proxy's namespace.
   */
  static Optional<String> fqdn(String host, Proxy proxy) {
    if (proxy.dnsDomain().isEmpty()) {
      return Optional.empty();
    }
    if (!host.contains(".")) {
      return Optional.of(host + "." + proxy.dnsDomain());
    }
    for (String suffix : List.of("." + proxy.namespace(), "." + proxy.namespace() + ".svc")) {
      if (host.endsWith(suffix)) {
        String shortName = host.substring(0, host.length() - suffix.length());
        if (!shortName.isEmpty() && !shortName.contains(".")) {
          return Optional.of(shortName + "." + proxy.dnsDomain());
        }
      }
    }
    return Optional.empty();
  }
}
