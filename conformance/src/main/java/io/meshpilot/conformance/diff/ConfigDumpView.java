package io.meshpilot.conformance.diff;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The resources of one {@code /debug/config_dump?include_eds=true} answer (istiod's shape: an Envoy
 * admin ConfigDump), by section and name: clusters, listeners, route configurations and
 * ClusterLoadAssignments. Versions and update times are dropped: they are push bookkeeping, not
 * config. Accepts protobuf JSON's camelCase and original snake_case field names.
 */
public final class ConfigDumpView {
  private final Map<Section, Map<String, JsonNode>> resources = new EnumMap<>(Section.class);

  private ConfigDumpView() {
    for (Section section : Section.values()) {
      resources.put(section, new TreeMap<>());
    }
  }

  /** Reads a config dump. */
  public static ConfigDumpView of(JsonNode dump) {
    ConfigDumpView view = new ConfigDumpView();
    for (JsonNode config : dump.path("configs")) {
      String type = config.path("@type").asText("");
      if (type.endsWith(".ClustersConfigDump")) {
        view.add(Section.CLUSTER, config, "staticClusters", "cluster");
        view.add(Section.CLUSTER, config, "dynamicActiveClusters", "cluster");
      } else if (type.endsWith(".ListenersConfigDump")) {
        view.add(Section.LISTENER, config, "staticListeners", "listener");
        for (JsonNode listener : field(config, "dynamicListeners")) {
          view.put(Section.LISTENER, field(field(listener, "activeState"), "listener"));
        }
      } else if (type.endsWith(".RoutesConfigDump")) {
        view.add(Section.ROUTE, config, "staticRouteConfigs", "routeConfig");
        view.add(Section.ROUTE, config, "dynamicRouteConfigs", "routeConfig");
      } else if (type.endsWith(".EndpointsConfigDump")) {
        view.add(Section.ENDPOINT, config, "staticEndpointConfigs", "endpointConfig");
        view.add(Section.ENDPOINT, config, "dynamicEndpointConfigs", "endpointConfig");
      }
    }
    return view;
  }

  /** The resources of one section by name, sorted. */
  public Map<String, JsonNode> section(Section section) {
    return resources.get(section);
  }

  private void add(Section section, JsonNode config, String list, String field) {
    for (JsonNode entry : field(config, list)) {
      put(section, field(entry, field));
    }
  }

  private void put(Section section, JsonNode resource) {
    if (resource.isObject()) {
      String name = resource.path("name").asText(field(resource, "clusterName").asText(""));
      resources.get(section).put(name, resource);
    }
  }

  /** {@code camelName}, or its snake_case form. */
  static JsonNode field(JsonNode node, String camelName) {
    JsonNode value = node.get(camelName);
    return value != null ? value : node.path(camelName.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT));
  }
}
