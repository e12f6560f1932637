package io.meshpilot.xds.view;

import io.meshpilot.registry.model.Protocol;
import io.meshpilot.registry.networking.Sidecar;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Sidecar ingress listener as one proxy serves it (istiod's inbound chain config for
 * {@code Sidecar.ingress}): an {@code inbound|<port>||} cluster and a chain on that port, in
 * {@code virtualInbound} with capture or on a listener of its own that binds the port.
 *
 * @param port the listener port, also the cluster's and the chain's
 * @param bind the address a bound listener uses: the ingress {@code bind}, else the proxy's first
 *     global unicast IP, else the wildcard
 * @param bindToPort true when the listener binds the port itself ({@code captureMode: NONE}, or a
 *     proxy without capture)
 * @param endpointAddress where the cluster sends traffic (from {@code defaultEndpoint}); {@code ""}
 *     for the original destination
 * @param hostname the synthetic host istiod names the chain for: {@code <sidecar>.<namespace>}
 * @param sidecarPath {@code /apis/networking.istio.io/v1/namespaces/<ns>/sidecar/<name>}: the
 *     {@code filter_metadata.istio.config} istiod puts on the port's chains
 */
public record SidecarIngress(int port, Protocol protocol, String bind, boolean bindToPort, String endpointAddress,
    int endpointPort, String hostname, String sidecarPath) {
  private static final Logger LOG = LoggerFactory.getLogger(SidecarIngress.class);
  private static final String WILDCARD = "0.0.0.0";

  /** The proxy's ingress listeners from its scope, in the Sidecar's order; those that cannot be served are left out. */
  public static List<SidecarIngress> of(SidecarScope scope, Proxy proxy) {
    List<SidecarIngress> result = new ArrayList<>();
    for (Sidecar.IngressListener listener : scope.ingress()) {
      if (listener.port() == null || listener.port().number() == null) {
        continue; // validation requires a port
      }
      String defaultEndpoint = listener.defaultEndpoint() == null ? "" : listener.defaultEndpoint();
      Optional<Endpoint> endpoint = endpoint(defaultEndpoint, proxy);
      if (endpoint.isEmpty()) {
        LOG.warn("Sidecar {}/{} ingress port {} skipped: defaultEndpoint {} is not served (unix sockets are not)",
            scope.id().namespace(), scope.name(), listener.port().number(), defaultEndpoint);
        continue;
      }
      boolean bindToPort = "NONE".equals(listener.captureMode())
          || ((listener.captureMode() == null || listener.captureMode().equals("DEFAULT"))
              && proxy.interceptionMode() == InterceptionMode.NONE);
      String bind = listener.bind() != null && !listener.bind().isEmpty() ? listener.bind() : inboundBind(proxy);
      result.add(new SidecarIngress(listener.port().number(), Protocol.parse(listener.port().protocol()), bind,
          bindToPort, endpoint.get().address(), endpoint.get().port(), scope.name() + "." + scope.id().namespace(),
          "/apis/networking.istio.io/v1/namespaces/" + scope.id().namespace() + "/sidecar/" + scope.name()));
    }
    return List.copyOf(result);
  }

  private record Endpoint(String address, int port) {}

  /**
   * {@code 127.0.0.1:P} and {@code [::1]:P} send to loopback, {@code 0.0.0.0:P} and {@code [::]:P}
   * to the instance IP (loopback without one), empty to the original destination.
   */
  private static Optional<Endpoint> endpoint(String defaultEndpoint, Proxy proxy) {
    if (defaultEndpoint.isEmpty()) {
      return Optional.of(new Endpoint("", 0));
    }
    int colon = defaultEndpoint.lastIndexOf(':');
    if (defaultEndpoint.startsWith("unix://") || colon < 0) {
      return Optional.empty();
    }
    String host = defaultEndpoint.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(defaultEndpoint.substring(colon + 1));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    String address = switch (host) {
      case "127.0.0.1" -> "127.0.0.1";
      case "[::1]" -> "::1";
      case WILDCARD -> proxy.instanceIps().stream().filter(ip -> !ip.contains(":")).findFirst().orElse("127.0.0.1");
      case "[::]" -> proxy.instanceIps().stream().filter(ip -> ip.contains(":")).findFirst().orElse("::1");
      default -> null; // validation allows only these hosts
    };
    return Optional.ofNullable(address).map(a -> new Endpoint(a, port));
  }

  /** istiod's getSidecarInboundBindIPs: the first global unicast IP, else the wildcard. */
  private static String inboundBind(Proxy proxy) {
    return proxy.instanceIps().stream().filter(SidecarIngress::globalUnicast).findFirst().orElse(WILDCARD);
  }

  private static boolean globalUnicast(String ip) {
    if (ip.contains(":")) {
      String lower = ip.toLowerCase(java.util.Locale.ROOT);
      return !lower.equals("::1") && !lower.equals("::") && !lower.startsWith("fe80") && !lower.startsWith("ff");
    }
    return !ip.startsWith("127.") && !ip.startsWith("169.254.") && !ip.equals(WILDCARD)
        && !ip.startsWith("224.") && !ip.equals("255.255.255.255");
  }
}
