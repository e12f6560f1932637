package io.meshpilot.xds.listener;

import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.view.PushContext;
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
      listeners.add(VirtualOutboundListener.build(proxy.interceptionMode(), push.sidecarScope(proxy).outboundTrafficPolicy()));
    }
    return List.copyOf(listeners);
  }

  /** The proxy's own listeners: with capture, {@code virtualInbound} for its service targets. */
  public static List<Listener> inbound(Proxy proxy, PushContext push) {
    if (proxy.interceptionMode() == InterceptionMode.NONE) {
      return List.of();
    }
    return List.of(VirtualInboundListener.build(proxy.interceptionMode(), push.serviceTargets(proxy), RESERVED_PORTS));
  }
}
