package io.meshpilot.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConfigComparisonTest {
  private static final ZoneId UTC = ZoneId.of("UTC");
  private static String meshpilotJson;

  @BeforeAll
  static void load() throws Exception {
    meshpilotJson = ConfigDumpFixture.recorded();
  }

  @Test
  void envoysOwnRenderingOfTheSameConfigMatches() {
    JsonNode envoy = asEnvoyDumps(JsonText.parse(meshpilotJson));

    String text = ConfigComparison.compare(ConfigDump.parse(meshpilotJson), ConfigDump.parse(envoy.toString()), UTC);

    assertThat(text).isEqualTo("""
        Clusters Match
        Listeners Match
        Routes Match (RDS last loaded at Sun, 01 Nov 2026 09:00:05 UTC)
        """);
  }

  @Test
  void anOutOfDateClusterIsReportedWithADiffNamingIt() {
    ObjectNode envoy = (ObjectNode) asEnvoyDumps(JsonText.parse(meshpilotJson));
    for (JsonNode entry : clustersSection(envoy).path("dynamic_active_clusters")) {
      ObjectNode cluster = (ObjectNode) entry.path("cluster");
      if (cluster.path("name").asText().equals("outbound|9080||reviews.default.svc.cluster.local")) {
        cluster.put("connect_timeout", "1s");
      }
    }

    String text = ConfigComparison.compare(ConfigDump.parse(meshpilotJson), ConfigDump.parse(envoy.toString()), UTC);

    assertThat(text).startsWith("Clusters Don't Match\n--- Meshpilot Clusters\n+++ Envoy Clusters\n@@ -");
    assertThat(text).contains("-                \"connectTimeout\": \"10s\",", "+                \"connectTimeout\": \"1s\",",
        "Differing cluster: outbound|9080||reviews.default.svc.cluster.local (changed)\n\nListeners Match\n");
    List<String> hunkLines = text.lines().takeWhile(l -> !l.startsWith("Differing")).toList();
    assertThat(hunkLines.stream().filter(l -> l.startsWith(" "))).hasSize(14); // 7 lines of context each side
  }

  @Test
  void aListenerEnvoyLacksIsReported() {
    ObjectNode envoy = (ObjectNode) asEnvoyDumps(JsonText.parse(meshpilotJson));
    ArrayNode listeners = (ArrayNode) section(envoy, "ListenersConfigDump").path("dynamic_listeners");
    listeners.remove(0);

    String text = ConfigComparison.compare(ConfigDump.parse(meshpilotJson), ConfigDump.parse(envoy.toString()), UTC);

    assertThat(text).contains("Clusters Match\nListeners Don't Match\n--- Meshpilot Listeners\n+++ Envoy Listeners\n",
        "Differing listener: 0.0.0.0_443 (only in meshpilot)");
  }

  /**
   * The dump as Envoy's admin prints it: snake_case names, its own version and last_updated
   * stamps, a draining listener state, and virtual hosts in another order.
   */
  static JsonNode asEnvoyDumps(JsonNode meshpilot) {
    ObjectNode envoy = (ObjectNode) snake(meshpilot);
    for (JsonNode config : envoy.path("configs")) {
      for (String list : List.of("dynamic_active_clusters", "dynamic_route_configs", "dynamic_endpoint_configs")) {
        for (JsonNode entry : config.path(list)) {
          ((ObjectNode) entry).put("version_info", "envoy-seen-version").put("last_updated", "2026-11-01T09:00:03Z");
        }
      }
      for (JsonNode listener : config.path("dynamic_listeners")) {
        ObjectNode active = (ObjectNode) listener.path("active_state");
        active.put("version_info", "envoy-seen-version").put("last_updated", "2026-11-01T09:00:04Z");
        ((ObjectNode) listener).set("draining_state", active.deepCopy());
      }
      if (config.path("dynamic_route_configs").size() > 0) {
        ArrayNode routes = (ArrayNode) config.path("dynamic_route_configs");
        ((ObjectNode) routes.get(routes.size() - 1)).put("last_updated", "2026-11-01T09:00:05Z");
        for (JsonNode route : routes) {
          ArrayNode hosts = (ArrayNode) route.path("route_config").path("virtual_hosts");
          List<JsonNode> reversed = new ArrayList<>();
          hosts.forEach(reversed::add);
          Collections.reverse(reversed);
          hosts.removeAll().addAll(reversed);
        }
      }
    }
    return envoy;
  }

  private static JsonNode clustersSection(JsonNode dump) {
    return section(dump, "ClustersConfigDump");
  }

  private static JsonNode section(JsonNode dump, String kind) {
    for (JsonNode config : dump.path("configs")) {
      if (config.path("@type").asText().endsWith(kind)) {
        return config;
      }
    }
    throw new AssertionError("no " + kind);
  }

  private static JsonNode snake(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      node.fields().forEachRemaining(e -> out.set(snakeName(e.getKey()), snake(e.getValue())));
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      node.forEach(e -> out.add(snake(e)));
      return out;
    }
    return node;
  }

  private static String snakeName(String key) {
    if (key.isEmpty() || !Character.isLowerCase(key.charAt(0))) {
      return key;
    }
    StringBuilder out = new StringBuilder();
    for (char c : key.toCharArray()) {
      if (Character.isUpperCase(c)) {
        out.append('_').append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
