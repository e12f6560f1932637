package io.meshpilot.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * istioctl's {@code proxy-config routes} table ({@code NAME VHOST NAME DOMAINS MATCH VIRTUAL SERVICE}):
 * one row per route, routes to PassthroughCluster left out, a virtual host without routes as
 * {@code /*} answering {@code 404}.
 */
final class RouteTable {
  private static final int SHOWN_DOMAINS = 2;

  private RouteTable() {}

  /** Route configurations named {@code name} (all when empty), numeric names first in numeric order. */
  static List<JsonNode> select(List<JsonNode> routeConfigs, String name) {
    return routeConfigs.stream()
        .filter(r -> name.isEmpty() || r.path("name").asText().equals(name))
        .sorted(Comparator.comparingLong(RouteTable::numericName))
        .toList();
  }

  private static long numericName(JsonNode routeConfig) {
    String name = routeConfig.path("name").asText();
    return !name.isEmpty() && name.length() < 10 && name.chars().allMatch(Character::isDigit)
        ? Long.parseLong(name) : Long.MAX_VALUE;
  }

  static String render(List<JsonNode> routeConfigs, String name) {
    TabTable table = new TabTable(5).row("NAME", "VHOST NAME", "DOMAINS", "MATCH", "VIRTUAL SERVICE");
    for (JsonNode config : select(routeConfigs, name)) {
      String configName = config.path("name").asText();
      for (JsonNode host : config.path("virtualHosts")) {
        String domains = describeDomains(ListenerTable.strings(host.path("domains")));
        for (JsonNode route : host.path("routes")) {
          if (!"PassthroughCluster".equals(route.path("route").path("cluster").asText())) {
            table.row(configName, host.path("name").asText(), domains, describeMatch(route.path("match")),
                Management.describe(route.path("metadata")));
          }
        }
        if (host.path("routes").isEmpty()) {
          table.row(configName, host.path("name").asText(), domains, "/*", "404");
        }
      }
    }
    return table.render();
  }

  /**
   * One domain as is; several: those without a port, without the longer spellings of a name that is
   * also there short ({@code reviews.default.svc.cluster.local} next to {@code reviews}), at most
   * two, then {@code + N more...}.
   */
  static String describeDomains(List<String> domains) {
    if (domains.isEmpty()) {
      return "";
    }
    if (domains.size() == 1) {
      return domains.get(0);
    }
    List<String> withoutPort = new ArrayList<>();
    for (String d : domains) {
      long colons = d.chars().filter(c -> c == ':').count();
      if (colons == 0 || (colons > 2 && d.endsWith("]"))) {
        withoutPort.add(d);
      }
    }
    List<String> shown = unexpand(withoutPort);
    if (shown.size() > SHOWN_DOMAINS) {
      return String.join(", ", shown.subList(0, SHOWN_DOMAINS)) + " + " + (shown.size() - SHOWN_DOMAINS) + " more...";
    }
    return String.join(", ", shown);
  }

  private static List<String> unexpand(List<String> domains) {
    Set<String> present = new LinkedHashSet<>(domains);
    Set<String> drop = new HashSet<>();
    for (String d : domains) {
      for (String suffix : List.of(".svc.cluster.local", ".svc")) {
        if (d.endsWith(suffix) && present.contains(d.substring(0, d.length() - suffix.length()))) {
          drop.add(d);
        }
      }
    }
    return domains.stream().filter(d -> !drop.contains(d)).toList();
  }

  static String describeMatch(JsonNode match) {
    List<String> conditions = new ArrayList<>();
    if (!match.path("prefix").asText().isEmpty()) {
      conditions.add(match.path("prefix").asText() + "*");
    }
    if (!match.path("pathSeparatedPrefix").asText().isEmpty()) {
      conditions.add("PathPrefix:" + match.path("pathSeparatedPrefix").asText());
    }
    if (!match.path("path").asText().isEmpty()) {
      conditions.add(match.path("path").asText());
    }
    if (match.path("safeRegex").isObject()) {
      conditions.add("regex " + match.path("safeRegex").path("regex").asText());
    }
    return String.join(" ", conditions);
  }

  /** An inline route configuration in a listener: each host's non-{@code *} domains and its matches. */
  static String describeInline(JsonNode routeConfig) {
    List<String> hosts = new ArrayList<>();
    for (JsonNode host : routeConfig.path("virtualHosts")) {
      List<String> domains = ListenerTable.strings(host.path("domains"));
      List<String> matches = new ArrayList<>();
      host.path("routes").forEach(r -> matches.add(describeMatch(r.path("match"))));
      String routes = String.join(", ", matches);
      hosts.add(domains.equals(List.of("*")) ? routes : String.join("/", domains) + " " + routes);
    }
    return String.join("; ", hosts);
  }
}
