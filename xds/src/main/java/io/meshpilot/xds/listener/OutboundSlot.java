package io.meshpilot.xds.listener;

import io.meshpilot.registry.model.Protocol;
import io.meshpilot.xds.route.RouteNames;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the services want of one outbound listener key {@code (bind, port)}: an HTTP chain (with
 * its RDS name) and TCP chains. Services are added in hostname order; the first one to claim a
 * route or an identical TCP match wins, as istiod keeps the current chain on conflicts.
 */
final class OutboundSlot {
  private final String bind;
  private final int port;
  private final boolean captured;
  private final List<String> extraBinds;
  private String routeName;
  private final List<TcpChain> tcpChains = new ArrayList<>();

  /**
   * @param captured true when the listener only receives hand-offs from virtualOutbound (no bind to port)
   * @param extraBinds the listener's additional addresses (a dual-stack proxy's IPv6 wildcard or loopback)
   */
  OutboundSlot(String bind, int port, boolean captured, List<String> extraBinds) {
    this.bind = bind;
    this.port = port;
    this.captured = captured;
    this.extraBinds = List.copyOf(extraBinds);
  }

  /**
   * One tcp_proxy chain, matched by destination CIDRs and/or TLS server names; both empty make it
   * the match-all chain.
   *
   * @param protocol the service port's protocol, which decides the filters before the tcp_proxy
   */
  record TcpChain(List<String> cidrs, List<String> sni, TcpTarget target, Protocol protocol) {
    TcpChain {
      cidrs = List.copyOf(cidrs);
      sni = List.copyOf(sni);
    }

    boolean matchesAll() {
      return cidrs.isEmpty() && sni.isEmpty();
    }

    /** The first cluster it sends to. */
    String cluster() {
      return target.cluster();
    }

    /** Envoy compares server names case-insensitively, and refuses a listener with two equal matches. */
    boolean sameMatch(TcpChain other) {
      return new HashSet<>(cidrs).equals(new HashSet<>(other.cidrs)) && lower(sni).equals(lower(other.sni));
    }

    private static Set<String> lower(List<String> names) {
      Set<String> out = new HashSet<>();
      names.forEach(n -> out.add(n.toLowerCase(Locale.ROOT)));
      return out;
    }
  }

  /**
   * Claims the HTTP chain with this RDS name. When a second service claims it with another name
   * (a sniffed service's own {@code "<host>:<port>"} next to other HTTP services on the same key),
   * the listener falls back to the port's shared route, which holds every one of them.
   */
  void addHttp(String route) {
    if (routeName == null) {
      routeName = route;
    } else if (!routeName.equals(route)) {
      routeName = RouteNames.forPort(port);
    }
  }

  /**
   * Adds a TCP chain unless one with the same match is already there.
   *
   * @return the chain that keeps the match when this one is refused, else empty
   */
  Optional<TcpChain> addTcp(TcpChain chain) {
    Optional<TcpChain> existing = tcpChains.stream().filter(c -> c.sameMatch(chain)).findFirst();
    if (existing.isEmpty()) {
      tcpChains.add(chain);
    }
    return existing;
  }

  String bind() {
    return bind;
  }

  int port() {
    return port;
  }

  boolean captured() {
    return captured;
  }

  List<String> extraBinds() {
    return extraBinds;
  }

  Optional<String> routeName() {
    return Optional.ofNullable(routeName);
  }

  List<TcpChain> tcpChains() {
    return tcpChains;
  }

  Optional<TcpChain> matchAllTcp() {
    return tcpChains.stream().filter(TcpChain::matchesAll).findFirst();
  }

  boolean needsSni() {
    return tcpChains.stream().anyMatch(c -> !c.sni().isEmpty());
  }

  String name() {
    return bind + "_" + port;
  }

  static String key(String bind, int port) {
    return Objects.requireNonNull(bind) + "_" + port;
  }
}
