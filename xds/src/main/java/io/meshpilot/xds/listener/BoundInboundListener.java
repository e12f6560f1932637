package io.meshpilot.xds.listener;

import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.meshpilot.xds.view.SidecarIngress;

/**
 * A Sidecar ingress listener that binds its port itself ({@code <bind>_<port>}), as istiod's
 * inboundCustomListener: for proxies without capture, or {@code captureMode: NONE}. Its chains are
 * those {@code virtualInbound} would hold for the port, its inspectors those they need (no
 * original_dst: the connection is for this port).
 */
final class BoundInboundListener {
  private BoundInboundListener() {}

  static Listener build(SidecarIngress ingress, TracingTags tracing) {
    InboundChain chain = InboundChain.of(ingress, tracing);
    Listener.Builder listener = Listener.newBuilder()
        .setName(chain.name())
        .setAddress(NetworkFilters.address(ingress.bind(), ingress.port()))
        .setTrafficDirection(TrafficDirection.INBOUND)
        .setContinueOnListenerFiltersTimeout(true)
        .setListenerFiltersTimeout(Durations.ZERO)
        .setMaxConnectionsToAcceptPerSocketEvent(NetworkFilters.MAX_CONNECTIONS_PER_SOCKET_EVENT);
    InboundInspectors inspectors = new InboundInspectors();
    VirtualInboundListener.addChains(listener, inspectors, chain);
    return listener.addAllListenerFilters(inspectors.filters()).build();
  }
}
