package io.meshpilot.xds.listener;

import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Which inbound ports need tls_inspector or http_inspector, gathered from the matches of a
 * listener's chains, and the inspectors that follow, as istiod's {@code populateListenerFilters}:
 * each runs only where some chain of the port needs it (port 0 stands for the passthrough chains,
 * that is every other port), and tls_inspector comes first so http_inspector skips TLS.
 */
final class InboundInspectors {
  private record Needs(boolean tls, boolean http) {
    Needs or(Needs other) {
      return new Needs(tls || other.tls, http || other.http);
    }
  }

  private final Map<Integer, Needs> byPort = new TreeMap<>();

  /** A chain on {@code port} (0: any port) with this match. */
  InboundInspectors add(int port, InboundMatch match) {
    return add(port, new Needs(match.needsTls(), match.sniffsHttp()));
  }

  /** A chain on {@code port} matching neither TLS nor HTTP (the blackhole chain). */
  InboundInspectors addPlain(int port) {
    return add(port, new Needs(false, false));
  }

  private InboundInspectors add(int port, Needs needs) {
    byPort.merge(port, needs, Needs::or);
    return this;
  }

  /** tls_inspector then http_inspector, each when some port needs it, disabled where none does. */
  List<ListenerFilter> filters() {
    List<ListenerFilter> filters = new ArrayList<>();
    if (byPort.values().stream().anyMatch(Needs::tls)) {
      filters.add(tlsInspector());
    }
    if (byPort.values().stream().anyMatch(Needs::http)) {
      List<Integer> off = ports(n -> !n.http(), true);
      ListenerFilter http = ListenerFilters.httpInspector();
      filters.add(off.isEmpty() ? http : http.toBuilder().setFilterDisabled(ListenerFilters.onPorts(off)).build());
    }
    return filters;
  }

  /**
   * Enabled for every port when the passthrough chains need it, except the ports that do not;
   * otherwise only on the ports that do.
   */
  private ListenerFilter tlsInspector() {
    ListenerFilter tls = ListenerFilters.tlsInspector();
    if (byPort.getOrDefault(0, new Needs(false, false)).tls()) {
      List<Integer> off = ports(n -> !n.tls(), false);
      return off.isEmpty() ? tls : tls.toBuilder().setFilterDisabled(ListenerFilters.onPorts(off)).build();
    }
    return tls.toBuilder().setFilterDisabled(ListenerFilters.offPorts(ports(Needs::tls, false))).build();
  }

  private List<Integer> ports(Predicate<Needs> which, boolean withPortZero) {
    return byPort.entrySet().stream()
        .filter(e -> (withPortZero || e.getKey() != 0) && which.test(e.getValue()))
        .map(Map.Entry::getKey)
        .toList();
  }
}
