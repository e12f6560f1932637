package io.meshpilot.xds.view;

import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.model.Protocol;
import io.meshpilot.registry.model.Resolution;
import io.meshpilot.registry.model.Service;
import java.util.List;
import java.util.Optional;

/**
 * Which ports of a visible service get outbound config: the one answer the sidecar and gRPC
 * generators share for clusters, listeners and routes. A service reached by name only (an
 * ExternalName Alias, DYNAMIC_DNS) has no cluster to send to, so none of its ports is served; UDP
 * ports are never proxied. HTTP-family and sniffed ports are also routed (RDS).
 */
public final class OutboundPorts {
  private OutboundPorts() {}

  /** The service's ports that get a cluster and a listener, in declaration order. */
  public static List<Port> served(Service service) {
    if (!hasCluster(service)) {
      return List.of();
    }
    return service.ports().stream().filter(p -> p.protocol() != Protocol.UDP).toList();
  }

  /** True when the port is served (see {@link #served}). */
  public static boolean served(Service service, Port port) {
    return hasCluster(service) && port.protocol() != Protocol.UDP;
  }

  /** The port with this number when it is served and carries HTTP (HTTP-family or sniffed). */
  public static Optional<Port> routed(Service service, int number) {
    return service.port(number)
        .filter(p -> served(service, p))
        .filter(p -> p.protocol().isHttp() || p.protocol().isUnsupported());
  }

  private static boolean hasCluster(Service service) {
    return service.resolution() != Resolution.ALIAS && service.resolution() != Resolution.DYNAMIC_DNS;
  }
}
