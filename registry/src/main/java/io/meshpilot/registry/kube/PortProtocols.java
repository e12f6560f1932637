package io.meshpilot.registry.kube;

import io.meshpilot.registry.model.Protocol;
import java.util.Locale;
import java.util.Set;

/** Detects the application protocol of a Kubernetes Service port the way istiod does (reference §4.2). */
public final class PortProtocols {
  /** Ports that default to TCP when their name says nothing. */
  private static final Set<Integer> WELL_KNOWN_TCP_PORTS = Set.of(25, 53, 3306, 27017);

  private PortProtocols() {}

  /**
   * The protocol of one Service (or EndpointSlice) port.
   *
   * @param k8sProtocol the port's {@code protocol} ({@code TCP}, {@code UDP}, {@code SCTP}); may be null
   * @param name the port name; may be null
   * @param appProtocol the port's {@code appProtocol}; when set it is parsed instead of the name
   * @param port the port number, for the well-known-port fallback
   */
  public static Protocol fromKubernetes(String k8sProtocol, String name, String appProtocol, int port) {
    if ("UDP".equals(k8sProtocol)) {
      return Protocol.UDP;
    }
    String candidate = name == null ? "" : name;
    if (appProtocol != null && !appProtocol.isEmpty()) {
      switch (appProtocol) {
        case "kubernetes.io/h2c":
          return Protocol.HTTP2;
        case "kubernetes.io/ws":
          return Protocol.HTTP;
        case "kubernetes.io/wss":
          return Protocol.HTTPS;
        default:
          candidate = appProtocol;
      }
    }
    // grpc-web contains the separator, so it must be recognised before the name is cut.
    if (candidate.toLowerCase(Locale.ROOT).startsWith("grpc-web")) {
      return Protocol.GRPC_WEB;
    }
    int dash = candidate.indexOf('-');
    Protocol parsed = Protocol.parse(dash >= 0 ? candidate.substring(0, dash) : candidate);
    if (parsed == Protocol.UNSUPPORTED && WELL_KNOWN_TCP_PORTS.contains(port)) {
      return Protocol.TCP;
    }
    return parsed;
  }
}
