package io.meshpilot.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;
import java.util.List;

/** istioctl's {@code proxy-config clusters} table from a config dump's clusters. */
final class ClusterTable {
  private ClusterTable() {}

  /** Which clusters to show; empty strings and 0 match everything (substring matches, as istioctl). */
  record Filter(String fqdn, int port, String subset, String direction) {
    static final Filter ALL = new Filter("", 0, "", "");

    boolean matches(JsonNode cluster) {
      String name = cluster.path("name").asText();
      return name.contains(fqdn) && name.contains(direction) && name.contains(subset)
          && (port == 0 || name.contains("|" + port + "|"));
    }
  }

  /** The matching clusters in istioctl's order. */
  static List<JsonNode> select(List<JsonNode> clusters, Filter filter) {
    return clusters.stream()
        .filter(filter::matches)
        .sorted(Comparator.comparing(c -> SubsetKey.of(c.path("name").asText()), SubsetKey.ORDER))
        .toList();
  }

  static String render(List<JsonNode> clusters, Filter filter) {
    TabTable table = new TabTable(5).row("SERVICE FQDN", "PORT", "SUBSET", "DIRECTION", "TYPE", "DESTINATION RULE");
    for (JsonNode cluster : select(clusters, filter)) {
      String name = cluster.path("name").asText();
      String type = cluster.path("type").asText("STATIC");
      String rule = Management.describe(cluster.path("metadata"));
      SubsetKey key = SubsetKey.of(name);
      if (key.parsed()) {
        table.row(key.fqdn(), Integer.toString(key.port()), key.subset().isEmpty() ? "-" : key.subset(),
            key.direction(), type, rule);
      } else {
        table.row(name, "-", "-", "-", type, rule);
      }
    }
    return table.render();
  }
}
