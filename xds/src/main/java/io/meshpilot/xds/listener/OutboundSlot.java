package io.meshpilot.xds.listener;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the services want of one outbound listener key {@code (bind, port)}: an HTTP chain (with
 * its RDS name) and TCP chains. Services are added in hostname order; the first one to claim a
 * route or an identical TCP match wins, as istiod keeps the current chain on conflicts.
 */
final class OutboundSlot {
  private static final Logger log = LoggerFactory.getLogger(OutboundSlot.class);

  private final String bind;
  private final int port;
  private String routeName;
  private final List<TcpChain> tcpChains = new ArrayList<>();

  OutboundSlot(String bind, int port) {
    this.bind = bind;
    this.port = port;
  }

  /** One tcp_proxy chain; {@code cidr} is {@code ""} for a match-all chain. */
  record TcpChain(String cidr, String cluster) {}

  void addHttp(String route) {
    if (routeName == null) {
      routeName = route;
    }
  }

  void addTcp(String cidr, String cluster) {
    Optional<TcpChain> existing = tcpChains.stream().filter(c -> c.cidr().equals(cidr)).findFirst();
    if (existing.isPresent()) {
      log.debug("outbound listener {}_{}: TCP chain for {} conflicts with {}, dropped", bind, port, cluster,
          existing.get().cluster());
      return;
    }
    tcpChains.add(new TcpChain(cidr, cluster));
  }

  String bind() {
    return bind;
  }

  int port() {
    return port;
  }

  Optional<String> routeName() {
    return Optional.ofNullable(routeName);
  }

  List<TcpChain> tcpChains() {
    return tcpChains;
  }

  Optional<TcpChain> matchAllTcp() {
    return tcpChains.stream().filter(c -> c.cidr().isEmpty()).findFirst();
  }

  String name() {
    return bind + "_" + port;
  }

  static String key(String bind, int port) {
    return Objects.requireNonNull(bind) + "_" + port;
  }
}
