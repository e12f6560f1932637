package io.meshpilot.xds.listener;

import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.meshpilot.xds.cluster.ClusterNames;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.route.ConfigMetadata;
import io.meshpilot.xds.view.ServiceTarget;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code virtualInbound} on 15006 (reference istio-xds.md §1.5), as istiod builds it for PERMISSIVE
 * mTLS less the chains terminating mTLS (meshpilot has none yet): the blackhole chain for 15006
 * itself; the passthrough chains to InboundPassthroughCluster for every other port (plaintext
 * HTTP, plaintext TCP, TLS); then the chains of each workload port of the proxy's services. The
 * inspectors run only on the ports whose chains need them.
 */
final class VirtualInboundListener {
  static final String NAME = "virtualInbound";
  static final int PORT = 15006;

  private VirtualInboundListener() {}

  /** @param tracing the proxy's tracing tags, for the passthrough HTTP chain's connection manager */
  static Listener build(InterceptionMode mode, TracingTags tracing, List<InboundChain> chains) {
    Listener.Builder listener = Listener.newBuilder()
        .setName(NAME)
        .setAddress(NetworkFilters.address(OutboundListenerBuilder.WILDCARD, PORT))
        .setTrafficDirection(TrafficDirection.INBOUND)
        .setContinueOnListenerFiltersTimeout(true)
        .setListenerFiltersTimeout(Durations.ZERO)
        .setMaxConnectionsToAcceptPerSocketEvent(NetworkFilters.MAX_CONNECTIONS_PER_SOCKET_EVENT)
        .addListenerFilters(ListenerFilters.originalDst());
    if (mode == InterceptionMode.TPROXY) {
      listener.setTransparent(BoolValue.of(true)).addListenerFilters(ListenerFilters.originalSrc());
    }
    // traffic sent to 15006 itself would loop
    listener.addFilterChains(FilterChain.newBuilder()
        .setName("virtualInbound-blackhole")
        .setFilterChainMatch(FilterChainMatch.newBuilder().setDestinationPort(UInt32Value.of(PORT)))
        .addFilters(NetworkFilters.tcpProxy(ClusterNames.BLACK_HOLE, ClusterNames.BLACK_HOLE)));
    InboundInspectors inspectors = new InboundInspectors().addPlain(PORT);
    addChains(listener, inspectors, InboundChain.passthrough(tracing));
    chains.forEach(chain -> addChains(listener, inspectors, chain));
    return listener.addAllListenerFilters(inspectors.filters()).build();
  }

  /**
   * Adds the chains of one port, one per PERMISSIVE match of its protocol (HTTP: an inline route
   * to its cluster; TCP: tcp_proxy to it) but the mTLS ones, and counts every match for the
   * inspectors. A UDP port gets none.
   */
  static void addChains(Listener.Builder listener, InboundInspectors inspectors, InboundChain chain) {
    Optional<ListenerProtocol> protocol = ListenerProtocol.of(chain.protocol());
    if (protocol.isEmpty()) {
      return;
    }
    for (InboundMatch match : InboundMatch.permissive(protocol.get())) {
      inspectors.add(chain.targetPort(), match);
      if (!match.terminatesMtls()) {
        FilterChain.Builder built = FilterChain.newBuilder()
            .setName(chain.chainName(match.protocol()))
            .setFilterChainMatch(match.toMatch(chain.targetPort()))
            .addAllFilters(match.protocol() == ListenerProtocol.HTTP ? List.of(httpFilter(chain))
                : NetworkFilters.l4Filters(chain.protocol(), chain.cluster(),
                    NetworkFilters.tcpProxy(chain.cluster(), chain.cluster())));
        if (!chain.configPath().isEmpty()) {
          built.setMetadata(ConfigMetadata.of(chain.configPath())); // istiod names the Sidecar behind an ingress chain
        }
        listener.addFilterChains(built);
      }
    }
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

  private static Filter httpFilter(InboundChain chain) {
    return NetworkFilters.httpConnectionManager(HttpConnectionManagers.inbound(
        chain.httpStatPrefix(), InboundRoute.of(chain), chain.protocol().isHttp2(), chain.tracing()));
  }
}
