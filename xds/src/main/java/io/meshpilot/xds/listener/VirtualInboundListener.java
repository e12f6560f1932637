package io.meshpilot.xds.listener;

import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.meshpilot.registry.model.Protocol;
import io.meshpilot.xds.cluster.ClusterNames;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.view.ServiceTarget;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code virtualInbound} on 15006 (reference istio-xds.md §1.5), plaintext only (no mTLS yet, so
 * every chain is the DISABLE-mode shape): a chain per workload port of the proxy's services, and
 * a passthrough chain to InboundPassthroughCluster for every other port.
 */
final class VirtualInboundListener {
  static final String NAME = "virtualInbound";
  static final int PORT = 15006;

  private VirtualInboundListener() {}

  static Listener build(InterceptionMode mode, List<InboundChain> chains) {
    Listener.Builder listener = Listener.newBuilder()
        .setName(NAME)
        .setAddress(NetworkFilters.address(OutboundListenerBuilder.WILDCARD, PORT))
        .setTrafficDirection(TrafficDirection.INBOUND)
        .setContinueOnListenerFiltersTimeout(true)
        .setListenerFiltersTimeout(Durations.ZERO)
        .addListenerFilters(ListenerFilters.originalDst());
    if (mode == InterceptionMode.TPROXY) {
      listener.setTransparent(BoolValue.of(true)).addListenerFilters(ListenerFilters.originalSrc());
    }
    listener.addFilterChains(FilterChain.newBuilder()
        .setName("virtualInbound-blackhole")
        .setFilterChainMatch(FilterChainMatch.newBuilder().setDestinationPort(UInt32Value.of(PORT)))
        .addFilters(NetworkFilters.tcpProxy(ClusterNames.BLACK_HOLE, ClusterNames.BLACK_HOLE)));
    listener.addFilterChains(FilterChain.newBuilder()
        .setName(NAME)
        .setFilterChainMatch(FilterChainMatch.newBuilder().setTransportProtocol(ListenerFilters.RAW_BUFFER))
        .addFilters(NetworkFilters.tcpProxy(ClusterNames.INBOUND_PASSTHROUGH, ClusterNames.INBOUND_PASSTHROUGH)));
    List<Integer> sniffedPorts = new ArrayList<>();
    for (InboundChain chain : chains) {
      if (addChains(listener, chain)) {
        sniffedPorts.add(chain.targetPort());
      }
    }
    if (!sniffedPorts.isEmpty()) {
      listener.addListenerFilters(ListenerFilters.httpInspectorOnly(sniffedPorts));
    }
    return listener.build();
  }

  /**
   * Adds the chains of one port: HTTP (an inline route to {@code inbound|<port>||}), TCP
   * (tcp_proxy to it), or both for a sniffed port.
   *
   * @return true when the port is sniffed (its HTTP chain matches by ALPN after http_inspector)
   */
  static boolean addChains(Listener.Builder listener, InboundChain chain) {
    Optional<ListenerProtocol> protocol = ListenerProtocol.of(chain.protocol());
    if (protocol.isEmpty()) {
      return false;
    }
    if (protocol.get() != ListenerProtocol.TCP) {
      listener.addFilterChains(httpChain(chain, protocol.get() == ListenerProtocol.AUTO));
    }
    if (protocol.get() != ListenerProtocol.HTTP) {
      String cluster = ClusterNames.inbound(chain.targetPort());
      listener.addFilterChains(chain(chain, tcpMatch(chain.targetPort()),
          NetworkFilters.l4Filters(chain.protocol(), cluster, NetworkFilters.tcpProxy(cluster, cluster))));
    }
    return protocol.get() == ListenerProtocol.AUTO;
  }

  /** The chains of the workload's own service ports: one per workload port, sorted by port; the oldest service wins a shared port. */
  static List<InboundChain> ofTargets(List<ServiceTarget> targets, Set<Integer> reservedPorts, TracingTags tracing) {
    return byTargetPort(targets, reservedPorts).stream().map(t -> InboundChain.of(t, tracing)).toList();
  }

  /** One target per workload port, sorted by port; the oldest service wins a shared port. */
  private static List<ServiceTarget> byTargetPort(List<ServiceTarget> targets, Set<Integer> reservedPorts) {
    Map<Integer, ServiceTarget> chosen = new LinkedHashMap<>();
    targets.stream()
        .filter(t -> !reservedPorts.contains(t.targetPort()))
        .sorted(Comparator.comparing((ServiceTarget t) -> t.service().creationTime())
            .thenComparing(t -> t.service().hostname()))
        .forEach(t -> chosen.putIfAbsent(t.targetPort(), t));
    return chosen.values().stream().sorted(Comparator.comparingInt(ServiceTarget::targetPort)).toList();
  }

  private static FilterChain httpChain(InboundChain target, boolean sniffed) {
    FilterChainMatch.Builder match = tcpMatch(target.targetPort()).toBuilder();
    if (sniffed) {
      match.addAllApplicationProtocols(ListenerFilters.HTTP_ALPNS);
    }
    Protocol protocol = target.protocol();
    boolean http2 = protocol == Protocol.HTTP2 || protocol == Protocol.GRPC;
    return chain(target, match.build(), NetworkFilters.httpConnectionManager(HttpConnectionManagers.inbound(
        "inbound_0.0.0.0_" + target.targetPort() + ";", InboundRoute.of(target), http2, target.tracing())));
  }

  private static FilterChainMatch tcpMatch(int port) {
    return FilterChainMatch.newBuilder()
        .setDestinationPort(UInt32Value.of(port))
        .setTransportProtocol(ListenerFilters.RAW_BUFFER)
        .build();
  }

  private static FilterChain chain(InboundChain target, FilterChainMatch match, Filter filter) {
    return chain(target, match, List.of(filter));
  }

  private static FilterChain chain(InboundChain target, FilterChainMatch match, List<Filter> filters) {
    return FilterChain.newBuilder()
        .setName(target.name())
        .setFilterChainMatch(match)
        .addAllFilters(filters)
        .build();
  }
}
