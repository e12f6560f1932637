package io.meshpilot.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An Envoy admin {@code ConfigDump} in JSON, from meshpilot's {@code /debug/config_dump} or Envoy's
 * {@code /config_dump}. Field names are read in lowerCamelCase whatever the source printed.
 */
final class ConfigDump {
  static final String BOOTSTRAP = "BootstrapConfigDump";
  static final String CLUSTERS = "ClustersConfigDump";
  static final String ENDPOINTS = "EndpointsConfigDump";
  static final String LISTENERS = "ListenersConfigDump";
  static final String ROUTES = "RoutesConfigDump";

  private final JsonNode root;

  private ConfigDump(JsonNode root) {
    this.root = root;
  }

  static ConfigDump parse(String json) {
    JsonNode root = JsonText.camelKeys(JsonText.parse(json));
    if (!root.path("configs").isArray()) {
      throw new CliException("not an Envoy config dump: no \"configs\" array");
    }
    return new ConfigDump(root);
  }

  /** The {@code configs} entry whose {@code @type} is {@code envoy.admin.v3.<kind>}. */
  Optional<JsonNode> section(String kind) {
    for (JsonNode config : root.path("configs")) {
      String type = config.path("@type").asText();
      if (type.endsWith("." + kind)) {
        return Optional.of(config);
      }
    }
    return Optional.empty();
  }

  /** Active clusters, dynamic then static. */
  List<JsonNode> clusters() {
    return collect(CLUSTERS, List.of("dynamicActiveClusters", "staticClusters"), "cluster");
  }

  /** Active listeners, dynamic (their active state) then static. */
  List<JsonNode> listeners() {
    List<JsonNode> out = new ArrayList<>();
    section(LISTENERS).ifPresent(s -> {
      s.path("dynamicListeners").forEach(l -> {
        if (l.path("activeState").path("listener").isObject()) {
          out.add(l.path("activeState").path("listener"));
        }
      });
      s.path("staticListeners").forEach(l -> {
        if (l.path("listener").isObject()) {
          out.add(l.path("listener"));
        }
      });
    });
    return out;
  }

  List<JsonNode> routeConfigs() {
    return collect(ROUTES, List.of("dynamicRouteConfigs", "staticRouteConfigs"), "routeConfig");
  }

  List<JsonNode> endpointConfigs() {
    return collect(ENDPOINTS, List.of("dynamicEndpointConfigs", "staticEndpointConfigs"), "endpointConfig");
  }

  Optional<JsonNode> cluster(String name) {
    return clusters().stream().filter(c -> c.path("name").asText().equals(name)).findFirst();
  }

  Optional<JsonNode> routeConfig(String name) {
    return routeConfigs().stream().filter(r -> r.path("name").asText().equals(name)).findFirst();
  }

  Optional<JsonNode> endpointConfig(String clusterName) {
    return endpointConfigs().stream().filter(e -> e.path("clusterName").asText().equals(clusterName)).findFirst();
  }

  private List<JsonNode> collect(String kind, List<String> lists, String field) {
    List<JsonNode> out = new ArrayList<>();
    section(kind).ifPresent(s -> lists.forEach(list -> s.path(list).forEach(entry -> {
      if (entry.path(field).isObject()) {
        out.add(entry.path(field));
      }
    })));
    return out;
  }
}
