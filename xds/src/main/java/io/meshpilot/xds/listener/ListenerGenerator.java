package io.meshpilot.xds.listener;

import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.meshpilot.xds.cluster.ClusterNames;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.view.PushContext;
import io.meshpilot.xds.view.SidecarIngress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * LDS for sidecars (reference istio-xds.md §1): the outbound per-port listeners (sorted by name),
 * then, when traffic is captured, {@code virtualOutbound} and {@code virtualInbound}.
 */
public final class ListenerGenerator {
  /** Ports of the capture listeners and of the bootstrap's static listeners (health 15021, Prometheus 15090). */
  static final Set<Integer> RESERVED_PORTS =
      Set.of(VirtualOutboundListener.PORT, VirtualInboundListener.PORT, 15021, 15090);

  private ListenerGenerator() {}

  public static List<Listener> generate(Proxy proxy, PushContext push) {
    List<Listener> listeners = new ArrayList<>(outbound(proxy, push));
    listeners.addAll(inbound(proxy, push));
    return List.copyOf(listeners);
  }

  /**
   * The listeners that depend only on what the proxy can see (its {@link io.meshpilot.xds.view.ProxyScope}):
   * the outbound per-port listeners and, with capture, {@code virtualOutbound}.
   */
  public static List<Listener> outbound(Proxy proxy, PushContext push) {
    List<Listener> listeners = new ArrayList<>(OutboundListeners.build(proxy, push, RESERVED_PORTS));
    if (proxy.interceptionMode() != InterceptionMode.NONE) {
      listeners.add(VirtualOutboundListener.build(proxy.interceptionMode(),
          ClusterNames.catchAll(push.sidecarScope(proxy))));
    }
    return List.copyOf(listeners);
  }

  /**
   * The proxy's own listeners. With Sidecar ingress listeners, those ports replace the service
   * ports: each either binds its port ({@code <bind>_<port>}) or, with capture, is a chain in
   * {@code virtualInbound}. Without them, with capture, {@code virtualInbound} for its service
   * targets; without capture, none (the app owns its ports).
   */
  public static List<Listener> inbound(Proxy proxy, PushContext push) {
    List<SidecarIngress> ingress = SidecarIngress.of(push.sidecarScope(proxy), proxy).stream()
        .filter(i -> !RESERVED_PORTS.contains(i.port()))
        .toList();
    boolean captured = proxy.interceptionMode() != InterceptionMode.NONE;
    TracingTags tracing = TracingTags.of(proxy);
    if (push.sidecarScope(proxy).ingress().isEmpty()) {
      return captured
          ? List.of(VirtualInboundListener.build(proxy.interceptionMode(), tracing,
              VirtualInboundListener.ofTargets(push.serviceTargets(proxy), RESERVED_PORTS, tracing)))
          : List.of();
    }
    List<Listener> listeners = new ArrayList<>();
    if (captured) {
      listeners.add(VirtualInboundListener.build(proxy.interceptionMode(), tracing, ingress.stream()
          .filter(i -> !i.bindToPort()).map(i -> InboundChain.of(i, tracing)).toList()));
    }
    ingress.stream().filter(SidecarIngress::bindToPort).map(i -> BoundInboundListener.build(i, tracing))
        .forEach(listeners::add);
    return List.copyOf(listeners);
  }
}
