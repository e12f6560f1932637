package io.meshpilot.xds.listener;

import com.google.protobuf.BoolValue;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.AdditionalAddress;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.util.Optional;

/**
 * Turns an {@link OutboundSlot} into a listener (reference istio-xds.md §1.3): an HTTP chain with
 * RDS, TCP chains with tcp_proxy (by CIDR or SNI when the destination IP cannot tell services apart),
 * and {@code http_inspector} with an ALPN match when HTTP must be told apart from other bytes.
 */
final class OutboundListenerBuilder {
  static final String WILDCARD = "0.0.0.0";
  static final String WILDCARD_IPV6 = "::";

  private OutboundListenerBuilder() {}

  /**
   * @param catchAll the cluster of the default chain ({@link io.meshpilot.xds.cluster.ClusterNames#catchAll})
   * @param tracing the proxy's tracing tags, for the HTTP connection manager
   */
  static Listener build(OutboundSlot slot, String catchAll, TracingTags tracing) {
    boolean captured = slot.captured();
    Listener.Builder listener = Listener.newBuilder()
        .setName(slot.name())
        .setAddress(NetworkFilters.address(slot.bind(), slot.port()));
    slot.extraBinds().forEach(extra -> listener.addAdditionalAddresses(AdditionalAddress.newBuilder()
        .setAddress(NetworkFilters.address(extra, slot.port()))));
    listener
        .setTrafficDirection(TrafficDirection.OUTBOUND)
        .setContinueOnListenerFiltersTimeout(true)
        .setListenerFiltersTimeout(Durations.ZERO);
    if (captured) {
      listener.setBindToPort(BoolValue.of(false)); // only a hand-off target for virtualOutbound
    }
    if (slot.needsSni()) {
      listener.addListenerFilters(ListenerFilters.tlsInspector());
    }
    Optional<String> route = slot.routeName();
    boolean sniff = route.isPresent() && (!slot.tcpChains().isEmpty() || (captured && slot.bind().equals(WILDCARD)));
    if (route.isPresent()) {
      String statPrefix = "outbound_" + slot.name() + ";";
      FilterChain.Builder http = FilterChain.newBuilder()
          .setTransportSocketConnectTimeout(NetworkFilters.TRANSPORT_SOCKET_CONNECT_TIMEOUT)
          .addFilters(NetworkFilters.httpConnectionManager(HttpConnectionManagers.outbound(statPrefix, route.get(), tracing)));
      if (sniff) {
        listener.addListenerFilters(ListenerFilters.httpInspector());
        http.setFilterChainMatch(FilterChainMatch.newBuilder()
            .setTransportProtocol(ListenerFilters.RAW_BUFFER)
            .addAllApplicationProtocols(ListenerFilters.HTTP_ALPNS));
      }
      listener.addFilterChains(http);
    }
    for (OutboundSlot.TcpChain chain : slot.tcpChains()) {
      if (!chain.matchesAll()) {
        FilterChainMatch.Builder match = FilterChainMatch.newBuilder();
        chain.cidrs().forEach(cidr -> match.addPrefixRanges(ListenerFilters.cidr(cidr)));
        match.addAllServerNames(chain.sni());
        listener.addFilterChains(NetworkFilters.tcpChain(chain.target(), chain.protocol()).toBuilder().setFilterChainMatch(match));
      }
    }
    Optional<OutboundSlot.TcpChain> matchAll = slot.matchAllTcp();
    if (matchAll.isPresent()) {
      FilterChain tcp = NetworkFilters.tcpChain(matchAll.get().target(), matchAll.get().protocol());
      if (listener.getFilterChainsCount() == 0) {
        listener.addFilterChains(tcp); // a lone match-all chain needs no default
      } else {
        listener.setDefaultFilterChain(tcp);
      }
    } else if (sniff || listener.getFilterChainsCount() > 1 || route.isEmpty()) {
      listener.setDefaultFilterChain(NetworkFilters.passthroughChain(catchAll));
    }
    return listener.build();
  }
}
