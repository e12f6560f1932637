package io.meshpilot.xds.listener;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.meshpilot.xds.cluster.ClusterNames;
import io.meshpilot.xds.proxy.InterceptionMode;

/**
 * {@code virtualOutbound} on 15001 (reference istio-xds.md §1.2): hands captured connections to the
 * listener of their original destination; what matches none goes to the catch-all chain.
 */
final class VirtualOutboundListener {
  static final String NAME = "virtualOutbound";
  static final int PORT = 15001;

  private VirtualOutboundListener() {}

  /** @param catchAll the cluster unmatched connections go to ({@link ClusterNames#catchAll}) */
  static Listener build(InterceptionMode mode, String catchAll) {
    Listener.Builder listener = Listener.newBuilder()
        .setName(NAME)
        .setAddress(NetworkFilters.address(OutboundListenerBuilder.WILDCARD, PORT))
        .setUseOriginalDst(com.google.protobuf.BoolValue.of(true))
        .setTrafficDirection(TrafficDirection.OUTBOUND)
        .setMaxConnectionsToAcceptPerSocketEvent(NetworkFilters.MAX_CONNECTIONS_PER_SOCKET_EVENT)
        // traffic sent to 15001 itself would loop
        .addFilterChains(FilterChain.newBuilder()
            .setName("virtualOutbound-blackhole")
            .setFilterChainMatch(FilterChainMatch.newBuilder().setDestinationPort(UInt32Value.of(PORT)))
            .addFilters(NetworkFilters.tcpProxy(ClusterNames.BLACK_HOLE, ClusterNames.BLACK_HOLE)))
        .addFilterChains(FilterChain.newBuilder()
            .setName("virtualOutbound-catchall-tcp")
            .addFilters(NetworkFilters.tcpProxy(catchAll, catchAll)));
    if (mode == InterceptionMode.TPROXY) {
      listener.setTransparent(com.google.protobuf.BoolValue.of(true));
    }
    return listener.build();
  }
}
