package io.meshpilot.xds.listener;

import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.HealthStatus;
import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.model.RegistryKind;
import io.meshpilot.registry.model.Resolution;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.serviceentry.IpLiterals;
import io.meshpilot.xds.cluster.ClusterNames;
import io.meshpilot.xds.conflict.Conflict;
import io.meshpilot.xds.conflict.GeneratedResource;
import io.meshpilot.xds.conflict.GenerationConflicts;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.route.RouteGenerator;
import io.meshpilot.xds.route.RouteNames;
import io.meshpilot.xds.route.RouteSource;
import io.meshpilot.xds.route.ServiceAddresses;
import io.meshpilot.xds.view.MeshVirtualService;
import io.meshpilot.xds.view.PushContext;
import io.meshpilot.xds.view.SidecarScope;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The per-port outbound listeners (reference istio-xds.md §1.3, §1.6), per egress listener of the
 * proxy's Sidecar scope, port-specific ones first: HTTP ports share a wildcard
 * listener using RDS {@code "<port>"}; TCP and sniffed ports get a listener on their VIP; headless
 * TCP ports get one per endpoint. With interception NONE every listener binds 127.0.0.1 for real.
 * Addresses are keyed in canonical form, so no two listeners share one; a TCP chain another service
 * already holds stays with it, and the loser is reported to {@link GenerationConflicts}.
 */
final class OutboundListeners {
  private static final String LOCALHOST = "127.0.0.1";
  private static final String LOCALHOST_IPV6 = "::1";

  private OutboundListeners() {}

  static List<Listener> build(Proxy proxy, PushContext push, Set<Integer> reservedPorts) {
    SidecarScope scope = push.sidecarScope(proxy);
    Slots slots = new Slots(proxy.ipv4() && proxy.ipv6());
    ChainOwners owners = new ChainOwners();
    RouteSource source = RouteGenerator.source(proxy, push);
    for (SidecarScope.Egress egress : scope.egress()) {
      // TCP and TLS routes come from the VirtualServices this listener's hosts select
      L4Routes routes = new L4Routes(egress.virtualServices(), source, host -> push.service(proxy, host));
      boolean captured = proxy.interceptionMode() != InterceptionMode.NONE && !egress.captureNone();
      if (egress.port().isPresent()) {
        addPortListener(slots, owners, routes, egress, captured, proxy, reservedPorts);
      } else {
        // the catch-all adds nothing to the listeners the port-specific ones built (istiod locks them)
        slots.lockAll();
        addCatchAll(slots, owners, routes, egress, captured, proxy, push, reservedPorts);
      }
    }
    GenerationConflicts.shared().replace(new GeneratedResource("LDS", "outbound", proxy.namespace()),
        owners.conflicts);
    TracingTags tracing = TracingTags.of(proxy);
    return slots.all().stream()
        .map(slot -> OutboundListenerBuilder.build(slot, ClusterNames.catchAll(scope), tracing))
        .sorted(Comparator.comparing(Listener::getName))
        .toList();
  }

  /**
   * A port-specific egress listener: one listener on its port (its bind, else the wildcard with
   * capture and 127.0.0.1 without) for every service it imports, with the listener's protocol;
   * TCP services on the wildcard are told apart by their VIP.
   */
  private static void addPortListener(Slots slots, ChainOwners owners, L4Routes routes, SidecarScope.Egress egress,
      boolean captured, Proxy proxy, Set<Integer> reservedPorts) {
    int number = egress.port().getAsInt();
    Optional<ListenerProtocol> protocol = ListenerProtocol.of(egress.protocol());
    if (protocol.isEmpty() || reservedPorts.contains(number)) {
      return;
    }
    boolean userBind = !egress.bind().isEmpty();
    String bind = userBind ? egress.bind() : captured ? OutboundListenerBuilder.WILDCARD : LOCALHOST;
    for (Service service : egress.services().services()) {
      for (Port port : egress.services().servedPorts(service)) {
        String vip = canonical(ServiceAddresses.primary(service, proxy));
        String cidr = !captured || !bind.equals(OutboundListenerBuilder.WILDCARD) || protocol.get() == ListenerProtocol.HTTP
            || vip.equals(Service.UNSPECIFIED_ADDRESS) ? "" : vip.contains("/") ? vip : hostCidr(vip);
        (userBind ? slots.userBound(bind, port.port(), captured) : slots.slot(bind, port.port(), captured)).ifPresent(slot ->
            add(slot, owners, routes, service, port, protocol.get(), new Match(cidr, "")));
      }
    }
  }

  private static void addCatchAll(Slots slots, ChainOwners owners, L4Routes routes, SidecarScope.Egress egress,
      boolean captured, Proxy proxy, PushContext push, Set<Integer> reservedPorts) {
    for (Service service : egress.services().services()) {
      // one address spelled two ways (FD00::A, fd00::a) is one listener address to Envoy
      String vip = canonical(ServiceAddresses.primary(service, proxy));
      for (Port port : egress.services().servedPorts(service)) {
        Optional<ListenerProtocol> protocol = ListenerProtocol.of(port.protocol());
        if (protocol.isEmpty() || reservedPorts.contains(port.port())) {
          continue;
        }
        if (!egress.bind().isEmpty()) {
          slots.userBound(egress.bind(), port.port(), captured)
              .ifPresent(slot -> add(slot, owners, routes, service, port, protocol.get(), Match.ALL));
        } else if (captured && service.resolution() == Resolution.PASSTHROUGH && vip.equals(Service.UNSPECIFIED_ADDRESS)
            && protocol.get() != ListenerProtocol.HTTP && !wildcardFallback(service, port, push)) {
          try {
            addPerEndpoint(slots, owners, routes, service, port, protocol.get(), proxy, push);
          } catch (RuntimeException e) {
            owners.conflicts.add(Conflict.generationFailed(service, "listeners of port " + port.port(), e));
          }
        } else {
          String bind = !captured ? LOCALHOST
              : protocol.get() == ListenerProtocol.HTTP || vip.contains("/") ? OutboundListenerBuilder.WILDCARD : vip;
          String cidr = captured && protocol.get() != ListenerProtocol.HTTP && vip.contains("/") ? vip : "";
          // TLS services the destination IP cannot tell apart are told apart by SNI
          String sni = port.protocol().isTls() && (vip.equals(Service.UNSPECIFIED_ADDRESS) || vip.contains("/"))
              ? service.hostname() : "";
          slots.slot(bind, port.port(), captured)
              .ifPresent(slot -> add(slot, owners, routes, service, port, protocol.get(), new Match(cidr, sni)));
        }
      }
    }
  }

  /** A single address as a CIDR: {@code /32} for IPv4, {@code /128} for IPv6. */
  private static String hostCidr(String ip) {
    return ip + (ip.contains(":") ? "/128" : "/32");
  }

  /**
   * istiod's fallback for a passthrough TCP port without a VIP: a ServiceEntry (not a Kubernetes
   * service) with no endpoints and no workloadSelector, e.g. a wildcard host with resolution NONE,
   * gets the wildcard listener (by SNI on a TLS port) instead of one listener per endpoint.
   */
  private static boolean wildcardFallback(Service service, Port port, PushContext push) {
    return service.attributes().registry() != RegistryKind.KUBERNETES
        && service.attributes().labelSelectors().isEmpty()
        && push.endpoints(service, port).isEmpty();
  }

  /**
   * The listeners being built, by key {@code (bind, port)}; a locked key takes no more services.
   * On a dual-stack proxy the listeners istiod binds to its wildcards or loopbacks also take the
   * IPv6 one ({@code ::}, {@code ::1}) as additional address; those on a VIP, an endpoint or a
   * Sidecar's own bind take none.
   */
  private static final class Slots {
    private final Map<String, OutboundSlot> byKey = new LinkedHashMap<>();
    private final Set<String> locked = new HashSet<>();
    private final boolean dualStack;

    Slots(boolean dualStack) {
      this.dualStack = dualStack;
    }

    Optional<OutboundSlot> slot(String bind, int port, boolean captured) {
      List<String> extra = !dualStack ? List.of()
          : bind.equals(OutboundListenerBuilder.WILDCARD) ? List.of(OutboundListenerBuilder.WILDCARD_IPV6)
          : bind.equals(LOCALHOST) ? List.of(LOCALHOST_IPV6) : List.of();
      return slot(bind, port, captured, extra);
    }

    /** A listener on a Sidecar egress listener's own {@code bind}: that address only. */
    Optional<OutboundSlot> userBound(String bind, int port, boolean captured) {
      return slot(bind, port, captured, List.of());
    }

    private Optional<OutboundSlot> slot(String bind, int port, boolean captured, List<String> extraBinds) {
      String key = OutboundSlot.key(bind, port);
      if (locked.contains(key)) {
        return Optional.empty();
      }
      return Optional.of(byKey.computeIfAbsent(key, k -> new OutboundSlot(bind, port, captured, extraBinds)));
    }

    void lockAll() {
      locked.addAll(byKey.keySet());
    }

    List<OutboundSlot> all() {
      return List.copyOf(byKey.values());
    }
  }

  /**
   * Which service holds each TCP chain, so a service whose chain is refused (another already has
   * that listener address, CIDR and SNI) is reported naming the holder.
   */
  private static final class ChainOwners {
    private final Map<String, Service> byCluster = new HashMap<>();
    private final Set<Conflict> conflicts = new HashSet<>();

    void added(OutboundSlot slot, Service service, OutboundSlot.TcpChain chain, Optional<OutboundSlot.TcpChain> holder) {
      if (holder.isEmpty()) {
        byCluster.putIfAbsent(chain.cluster(), service);
        return;
      }
      Service winner = byCluster.get(holder.get().cluster());
      if (winner == service) {
        return; // the same service twice on one address (two VIP spellings): nothing lost
      }
      conflicts.add(new Conflict(Conflict.objectOf(service), "listener " + slot.name() + ": TCP traffic"
          + (chain.matchesAll() ? "" : " matching " + describe(chain)) + " already goes to " + holder.get().cluster()
          + (winner == null ? "" : " of " + Conflict.describe(winner)) + "; " + chain.cluster() + " gets none of it"));
    }

    private static String describe(OutboundSlot.TcpChain chain) {
      String cidrs = String.join(",", chain.cidrs());
      String sni = String.join(",", chain.sni());
      return cidrs.isEmpty() ? "SNI " + sni : sni.isEmpty() ? "destination " + cidrs : "destination " + cidrs + " and SNI " + sni;
    }
  }

  private static String canonical(String address) {
    return IpLiterals.canonical(address).orElse(address);
  }

  /** Headless TCP/sniffed ports: one listener per endpoint IP, so each pod is addressable (not the proxy's own). */
  private static void addPerEndpoint(Slots slots, ChainOwners owners, L4Routes routes, Service service,
      Port port, ListenerProtocol protocol, Proxy proxy, PushContext push) {
    for (Endpoint endpoint : push.endpoints(service, port)) {
      String ip = endpoint.address();
      if (endpoint.health() == HealthStatus.TERMINATING || !isIp(ip) || ip.equals(proxy.ipAddress())) {
        continue;
      }
      slots.slot(canonical(ip), port.port(), true).ifPresent(slot -> add(slot, owners, routes, service, port, protocol, Match.ALL));
    }
  }

  /** How a TCP chain is selected: destination CIDR and TLS server name, {@code ""} when unused. */
  private record Match(String cidr, String sni) {
    static final Match ALL = new Match("", "");
  }

  /** What VirtualService TCP and TLS routes are chosen from for this proxy. */
  private record L4Routes(List<MeshVirtualService> virtualServices, RouteSource source,
      Function<String, Optional<Service>> lookup) {}

  private static void add(OutboundSlot slot, ChainOwners owners, L4Routes routes, Service service, Port port,
      ListenerProtocol protocol, Match match) {
    String cluster = ClusterNames.outbound(port.port(), service.hostname());
    OutboundSlot.TcpChain own = new OutboundSlot.TcpChain(
        match.cidr().isEmpty() ? List.of() : List.of(match.cidr()),
        match.sni().isEmpty() ? List.of() : List.of(match.sni()), TcpTarget.cluster(cluster), port.protocol());
    if (protocol != ListenerProtocol.TCP) {
      // on the wildcard the port's shared route serves it; on a VIP, a sniffed port has a route of its own
      slot.addHttp(protocol == ListenerProtocol.HTTP || slot.bind().equals(OutboundListenerBuilder.WILDCARD)
          ? RouteNames.forPort(port.port()) : RouteNames.forService(service.hostname(), port.port()));
    }
    if (protocol != ListenerProtocol.HTTP) {
      for (OutboundSlot.TcpChain tcp : TcpRoutes.chains(service, port, own, routes.virtualServices(), routes.source(),
          routes.lookup())) {
        owners.added(slot, service, tcp, slot.addTcp(tcp));
      }
    }
  }

  private static boolean isIp(String address) {
    return !address.isEmpty()
        && (address.contains(":") || address.chars().allMatch(c -> c == '.' || Character.isDigit(c)));
  }

}
