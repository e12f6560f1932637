package io.meshpilot.xds.listener;

import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.HealthStatus;
import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.model.Resolution;
import io.meshpilot.registry.model.Service;
import io.meshpilot.xds.cluster.ClusterNames;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.route.RouteNames;
import io.meshpilot.xds.route.ServiceAddresses;
import io.meshpilot.xds.view.PushContext;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The per-port outbound listeners (reference istio-xds.md §1.3, §1.6): HTTP ports share a wildcard
 * listener using RDS {@code "<port>"}; TCP and sniffed ports get a listener on their VIP; headless
 * TCP ports get one per endpoint. With interception NONE every listener binds 127.0.0.1 for real.
 */
final class OutboundListeners {
  private static final String LOCALHOST = "127.0.0.1";

  private OutboundListeners() {}

  static List<Listener> build(Proxy proxy, PushContext push, Set<Integer> reservedPorts) {
    boolean captured = proxy.interceptionMode() != InterceptionMode.NONE;
    Map<String, OutboundSlot> slots = new LinkedHashMap<>();
    for (Service service : push.services(proxy)) {
      if (service.resolution() == Resolution.ALIAS || service.resolution() == Resolution.DYNAMIC_DNS) {
        continue; // no cluster to send to
      }
      String vip = ServiceAddresses.primary(service, proxy);
      for (Port port : service.ports()) {
        Optional<ListenerProtocol> protocol = ListenerProtocol.of(port.protocol());
        if (protocol.isEmpty() || reservedPorts.contains(port.port())) {
          continue;
        }
        if (captured && service.resolution() == Resolution.PASSTHROUGH && vip.equals(Service.UNSPECIFIED_ADDRESS)
            && protocol.get() != ListenerProtocol.HTTP) {
          addPerEndpoint(slots, service, port, protocol.get(), proxy, push);
        } else {
          String bind = !captured ? LOCALHOST
              : protocol.get() == ListenerProtocol.HTTP || vip.contains("/") ? OutboundListenerBuilder.WILDCARD : vip;
          String cidr = captured && protocol.get() != ListenerProtocol.HTTP && vip.contains("/") ? vip : "";
          // TLS services the destination IP cannot tell apart are told apart by SNI
          String sni = port.protocol().isTls() && (vip.equals(Service.UNSPECIFIED_ADDRESS) || vip.contains("/"))
              ? service.hostname() : "";
          add(slot(slots, bind, port.port()), service, port, protocol.get(), new Match(cidr, sni));
        }
      }
    }
    return slots.values().stream()
        .map(slot -> OutboundListenerBuilder.build(slot, captured, push.settings().outboundTrafficPolicy()))
        .sorted(Comparator.comparing(Listener::getName))
        .toList();
  }

  /** Headless TCP/sniffed ports: one listener per endpoint IP, so each pod is addressable (not the proxy's own). */
  private static void addPerEndpoint(Map<String, OutboundSlot> slots, Service service, Port port,
      ListenerProtocol protocol, Proxy proxy, PushContext push) {
    for (Endpoint endpoint : push.endpoints(service, port)) {
      String ip = endpoint.address();
      if (endpoint.health() == HealthStatus.TERMINATING || !isIp(ip) || ip.equals(proxy.ipAddress())) {
        continue;
      }
      add(slot(slots, ip, port.port()), service, port, protocol, Match.ALL);
    }
  }

  /** How a TCP chain is selected: destination CIDR and TLS server name, {@code ""} when unused. */
  private record Match(String cidr, String sni) {
    static final Match ALL = new Match("", "");
  }

  private static void add(OutboundSlot slot, Service service, Port port, ListenerProtocol protocol, Match match) {
    String cluster = ClusterNames.outbound(port.port(), service.hostname());
    OutboundSlot.TcpChain tcp = new OutboundSlot.TcpChain(match.cidr(), match.sni(), cluster);
    switch (protocol) {
      case HTTP -> slot.addHttp(RouteNames.forPort(port.port()));
      case TCP -> slot.addTcp(tcp);
      case AUTO -> {
        // on the wildcard the port's shared route serves it; on a VIP, a route of its own
        slot.addHttp(slot.bind().equals(OutboundListenerBuilder.WILDCARD)
            ? RouteNames.forPort(port.port()) : RouteNames.forService(service.hostname(), port.port()));
        slot.addTcp(tcp);
      }
    }
  }

  private static OutboundSlot slot(Map<String, OutboundSlot> slots, String bind, int port) {
    return slots.computeIfAbsent(OutboundSlot.key(bind, port), k -> new OutboundSlot(bind, port));
  }

  private static boolean isIp(String address) {
    return !address.isEmpty()
        && (address.contains(":") || address.chars().allMatch(c -> c == '.' || Character.isDigit(c)));
  }

}
