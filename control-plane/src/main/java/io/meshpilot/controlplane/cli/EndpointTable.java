package io.meshpilot.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;
import java.util.List;

/**
 * istioctl's {@code proxy-config endpoints} table for a config dump's EDS
 * ({@code ENDPOINT STATUS LOCALITY CLUSTER}), in cluster order.
 */
final class EndpointTable {
  private EndpointTable() {}

  /** Which endpoints to show; {@code ""} and 0 match everything. */
  record Filter(String address, int port, String cluster, String status) {
    static final Filter ALL = new Filter("", 0, "", "");

    boolean matches(JsonNode lbEndpoint, String clusterName) {
      return (address.isEmpty() || EndpointTable.address(lbEndpoint).equalsIgnoreCase(address))
          && (port == 0 || lbEndpoint.path("endpoint").path("address").path("socketAddress").path("portValue").asInt() == port)
          && (cluster.isEmpty() || clusterName.equalsIgnoreCase(cluster))
          && (status.isEmpty() || EndpointTable.status(lbEndpoint).equalsIgnoreCase(status));
    }
  }

  static List<JsonNode> sorted(List<JsonNode> assignments) {
    return assignments.stream()
        .sorted(Comparator.comparing(a -> SubsetKey.of(a.path("clusterName").asText()), SubsetKey.ORDER))
        .toList();
  }

  /** The assignments in cluster order, each keeping only the matching endpoints; those left empty dropped. */
  static List<JsonNode> select(List<JsonNode> assignments, Filter filter) {
    List<JsonNode> out = new java.util.ArrayList<>();
    for (JsonNode assignment : sorted(assignments)) {
      com.fasterxml.jackson.databind.node.ObjectNode copy = assignment.deepCopy();
      int kept = 0;
      for (JsonNode locality : copy.path("endpoints")) {
        if (locality.path("lbEndpoints").isArray()) {
          java.util.Iterator<JsonNode> it = locality.path("lbEndpoints").elements();
          while (it.hasNext()) {
            if (filter.matches(it.next(), assignment.path("clusterName").asText())) {
              kept++;
            } else {
              it.remove();
            }
          }
        }
      }
      if (kept > 0) {
        out.add(copy);
      }
    }
    return out;
  }

  static String render(List<JsonNode> assignments, Filter filter) {
    TabTable table = new TabTable(5).row("ENDPOINT", "STATUS", "LOCALITY", "CLUSTER");
    for (JsonNode assignment : sorted(assignments)) {
      String cluster = assignment.path("clusterName").asText();
      for (JsonNode locality : assignment.path("endpoints")) {
        for (JsonNode endpoint : locality.path("lbEndpoints")) {
          if (filter.matches(endpoint, cluster)) {
            table.row(address(endpoint), status(endpoint), locality(locality.path("locality")), cluster);
          }
        }
      }
    }
    return table.render();
  }

  /** {@code ip:port}, or the pipe path. */
  static String address(JsonNode lbEndpoint) {
    JsonNode address = lbEndpoint.path("endpoint").path("address");
    if (address.path("socketAddress").isObject()) {
      return address.path("socketAddress").path("address").asText() + ":"
          + address.path("socketAddress").path("portValue").asInt();
    }
    return address.path("pipe").path("path").asText();
  }

  static String status(JsonNode lbEndpoint) {
    return lbEndpoint.path("healthStatus").asText("UNKNOWN");
  }

  /** {@code region/zone/subzone}, stopping at the first empty part. */
  static String locality(JsonNode locality) {
    String region = locality.path("region").asText();
    String zone = locality.path("zone").asText();
    String subZone = locality.path("subZone").asText();
    if (zone.isEmpty()) {
      return region;
    }
    return subZone.isEmpty() ? region + "/" + zone : region + "/" + zone + "/" + subZone;
  }
}
