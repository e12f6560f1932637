package io.meshpilot.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * istioctl's {@code proxy-config listeners} table ({@code ADDRESSES PORT MATCH DESTINATION}): one
 * row per filter chain, the default chain included as {@code ALL}.
 */
final class ListenerTable {
  static final String HCM = "envoy.filters.network.http_connection_manager";
  static final String TCP_PROXY = "envoy.filters.network.tcp_proxy";
  static final String BLACK_HOLE = "BlackHoleCluster";

  private static final Map<String, List<String>> APP_PROTOCOLS = Map.of(
      "App: HTTP TLS", List.of("http/1.0", "http/1.1", "h2c", "istio-http/1.0", "istio-http/1.1", "istio-h2"),
      "App: Istio HTTP Plain", List.of("istio", "istio-http/1.0", "istio-http/1.1", "istio-h2"),
      "App: TCP TLS", List.of("istio-peer-exchange", "istio"),
      "App: HTTP", List.of("http/1.0", "http/1.1", "h2c"));

  private ListenerTable() {}

  /** Which listeners to show; {@code ""} and 0 match everything. */
  record Filter(String address, int port, String type) {
    static final Filter ALL = new Filter("", 0, "");

    boolean matches(JsonNode listener) {
      return (address.isEmpty() || ListenerTable.address(listener).equalsIgnoreCase(address))
          && (port == 0 || ListenerTable.port(listener) == port)
          && (type.isEmpty() || ListenerTable.type(listener).equalsIgnoreCase(type));
    }
  }

  /** The matching listeners ordered by port, address, type. */
  static List<JsonNode> select(List<JsonNode> listeners, Filter filter) {
    return listeners.stream()
        .filter(filter::matches)
        .sorted(Comparator.comparingInt(ListenerTable::port)
            .thenComparing(ListenerTable::address)
            .thenComparing(ListenerTable::type))
        .toList();
  }

  static String render(List<JsonNode> listeners, Filter filter) {
    TabTable table = new TabTable(1).row("ADDRESSES", "PORT", "MATCH", "DESTINATION");
    for (JsonNode listener : select(listeners, filter)) {
      List<String[]> rows = new ArrayList<>();
      for (JsonNode chain : chains(listener)) {
        rows.add(new String[] {describeMatch(chain.path("filterChainMatch")), destination(chain.path("filters"))});
      }
      rows.sort(Comparator.comparing((String[] r) -> r[1]).reversed());
      for (String[] row : rows) {
        table.row(address(listener), Integer.toString(port(listener)), row[0], row[1]);
      }
    }
    return table.render();
  }

  /** The filter chains, then the default chain. */
  static List<JsonNode> chains(JsonNode listener) {
    List<JsonNode> chains = new ArrayList<>();
    listener.path("filterChains").forEach(chains::add);
    if (listener.path("defaultFilterChain").isObject()) {
      chains.add(listener.path("defaultFilterChain"));
    }
    return chains;
  }

  static String address(JsonNode listener) {
    List<String> addresses = new ArrayList<>();
    addresses.add(socketAddress(listener.path("address")));
    listener.path("additionalAddresses").forEach(a -> addresses.add(socketAddress(a.path("address"))));
    return String.join(",", addresses);
  }

  private static String socketAddress(JsonNode address) {
    if (address.has("envoyInternalAddress")) {
      return "envoy://" + address.path("envoyInternalAddress").path("serverListenerName").asText();
    }
    return address.path("socketAddress").path("address").asText();
  }

  static int port(JsonNode listener) {
    return listener.path("address").path("socketAddress").path("portValue").asInt();
  }

  /** HTTP, TCP, HTTP+TCP or UNKNOWN by the network filters (tcp_proxy to BlackHoleCluster not counted). */
  static String type(JsonNode listener) {
    int http = 0;
    int tcp = 0;
    for (JsonNode chain : listener.path("filterChains")) {
      for (JsonNode filter : chain.path("filters")) {
        if (isHcm(filter)) {
          http++;
        } else if (isTcpProxy(filter) && !filter.path("typedConfig").toString().contains(BLACK_HOLE)) {
          tcp++;
        }
      }
    }
    if (http > 0) {
      return tcp == 0 ? "HTTP" : "HTTP+TCP";
    }
    return tcp > 0 ? "TCP" : "UNKNOWN";
  }

  static boolean isHcm(JsonNode filter) {
    return filter.path("name").asText().equals(HCM)
        || filter.path("typedConfig").path("@type").asText().endsWith(".HttpConnectionManager");
  }

  static boolean isTcpProxy(JsonNode filter) {
    return filter.path("name").asText().equals(TCP_PROXY)
        || filter.path("typedConfig").path("@type").asText().endsWith(".TcpProxy");
  }

  static String describeMatch(JsonNode match) {
    List<String> parts = new ArrayList<>();
    List<String> serverNames = strings(match.path("serverNames"));
    if (!serverNames.isEmpty()) {
      parts.add("SNI: " + String.join(",", serverNames));
    }
    if (!match.path("transportProtocol").asText().isEmpty()) {
      parts.add("Trans: " + match.path("transportProtocol").asText());
    }
    List<String> alpn = strings(match.path("applicationProtocols"));
    if (!alpn.isEmpty()) {
      parts.add(APP_PROTOCOLS.entrySet().stream().filter(e -> e.getValue().equals(alpn)).map(Map.Entry::getKey)
          .findFirst().orElse("App: " + String.join(",", alpn)));
    }
    String port = match.has("destinationPort") ? ":" + match.path("destinationPort").asInt() : "";
    String suffix = match.path("addressSuffix").asText();
    if (!suffix.isEmpty()) {
      parts.add("Addr: " + suffix + port);
    }
    List<String> ranges = new ArrayList<>();
    match.path("prefixRanges").forEach(r -> ranges.add(r.path("addressPrefix").asText() + "/" + r.path("prefixLen").asInt()));
    if (!ranges.isEmpty()) {
      parts.add("Addr: " + String.join(",", ranges) + port);
    }
    if (suffix.isEmpty() && ranges.isEmpty() && !port.isEmpty()) {
      parts.add("Addr: *" + port);
    }
    return parts.isEmpty() ? "ALL" : String.join("; ", parts);
  }

  static String destination(JsonNode filters) {
    for (JsonNode filter : filters) {
      JsonNode config = filter.path("typedConfig");
      if (isHcm(filter)) {
        if (config.path("routeConfig").isObject()) {
          return "Inline Route: " + RouteTable.describeInline(config.path("routeConfig"));
        }
        String rds = config.path("rds").path("routeConfigName").asText();
        return rds.isEmpty() ? "HTTP" : "Route: " + rds;
      }
      if (isTcpProxy(filter) && !config.toString().contains(BLACK_HOLE)) {
        String cluster = config.path("cluster").asText();
        return cluster.contains("Cluster") ? cluster : "Cluster: " + cluster;
      }
    }
    return "Non-HTTP/Non-TCP";
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }
}
