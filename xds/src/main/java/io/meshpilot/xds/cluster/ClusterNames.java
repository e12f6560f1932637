package io.meshpilot.xds.cluster;

import io.meshpilot.xds.OutboundTrafficPolicy;
import io.meshpilot.xds.view.SidecarScope;
import java.util.Optional;

/**
 * istiod's cluster names (reference istio-xds.md §3.2, §3.7): {@code outbound|<port>|<subset>|<host>},
 * {@code inbound|<targetPort>||} and the special clusters. Telemetry and istioctl rely on them.
 */
public final class ClusterNames {
  public static final String BLACK_HOLE = "BlackHoleCluster";
  public static final String PASSTHROUGH = "PassthroughCluster";
  public static final String INBOUND_PASSTHROUGH = "InboundPassthroughCluster";

  private ClusterNames() {}

  /**
   * Where a scope's proxies send what matches no service (istiod's catch-all chains and
   * {@code allow_any} route): PassthroughCluster under ALLOW_ANY, or the cluster of its Sidecar's
   * {@code egressProxy} (istiod's GetDestinationCluster: its port and subset, the host as written);
   * BlackHoleCluster under REGISTRY_ONLY.
   */
  public static String catchAll(SidecarScope scope) {
    if (scope.outboundTrafficPolicy() != OutboundTrafficPolicy.ALLOW_ANY) {
      return BLACK_HOLE;
    }
    return scope.egressProxy()
        .map(proxy -> outbound(proxy.port() == null || proxy.port().number() == null ? 0 : proxy.port().number(),
            proxy.subset(), proxy.host()))
        .orElse(PASSTHROUGH);
  }

  /** {@code outbound|<port>||<hostname>}, the default (subset-less) cluster of a service port. */
  public static String outbound(int port, String hostname) {
    return "outbound|" + port + "||" + hostname;
  }

  /** {@code outbound|<port>|<subset>|<hostname>}; subset {@code ""} or {@code null} is the default cluster. */
  public static String outbound(int port, String subset, String hostname) {
    return "outbound|" + port + "|" + (subset == null ? "" : subset) + "|" + hostname;
  }

  /** {@code inbound|<targetPort>||}. */
  public static String inbound(int targetPort) {
    return "inbound|" + targetPort + "||";
  }

  /** The parts of an outbound cluster name, or empty when the name is not one. */
  public static Optional<Outbound> parseOutbound(String name) {
    String[] parts = name.split("\\|", 4);
    if (parts.length != 4 || !parts[0].equals("outbound") || parts[3].isEmpty()) {
      return Optional.empty();
    }
    try {
      int port = Integer.parseInt(parts[1]);
      return port > 0 && port <= 65535 ? Optional.of(new Outbound(port, parts[2], parts[3])) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** A parsed {@code outbound|<port>|<subset>|<hostname>} name; subset is {@code ""} for the default cluster. */
  public record Outbound(int port, String subset, String hostname) {}
}
