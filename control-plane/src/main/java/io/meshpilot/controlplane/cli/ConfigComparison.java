package io.meshpilot.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * {@code meshpilot proxy-status <proxy> --envoy-admin URL} (reference istio-registry.md §3.5):
 * clusters, listeners and routes of meshpilot's config dump for the proxy against Envoy's, each
 * normalised as istioctl does, rendered as indented JSON and compared with a unified diff (7 lines
 * of context). Beyond istioctl, a section that differs also names the resources that differ.
 */
final class ConfigComparison {
  static final int CONTEXT = 7;
  /** Go's {@code time.RFC1123}: {@code Mon, 02 Jan 2006 15:04:05 MST}. */
  private static final DateTimeFormatter RFC1123 = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss zzz", Locale.US);
  private static final String CLUSTER_TYPE = XdsTypes.CDS;

  private ConfigComparison() {}

  /** The three results, as printed. */
  static String compare(ConfigDump meshpilot, ConfigDump envoy, ZoneId zone) {
    StringBuilder out = new StringBuilder();
    section(out, "Clusters", "", ConfigComparison::clusters, "cluster", meshpilot, envoy);
    section(out, "Listeners", "", ConfigComparison::listeners, "listener", meshpilot, envoy);
    String loaded = lastRouteUpdate(envoy).map(t -> " (RDS last loaded at " + RFC1123.format(t.atZone(zone)) + ")")
        .orElse("");
    section(out, "Routes", loaded, ConfigComparison::routes, "route configuration", meshpilot, envoy);
    return out.toString();
  }

  private static void section(StringBuilder out, String title, String suffix, Function<ConfigDump, Section> normalise,
      String noun, ConfigDump meshpilot, ConfigDump envoy) {
    Section ours = normalise.apply(meshpilot);
    Section theirs = normalise.apply(envoy);
    String diff = UnifiedDiff.diff(ours.text(), theirs.text(), "Meshpilot " + title, "Envoy " + title, CONTEXT);
    if (diff.isEmpty()) {
      out.append(title).append(" Match").append(suffix).append('\n');
      return;
    }
    out.append(title).append(" Don't Match").append(suffix).append('\n').append(diff);
    List<String> differing = differing(ours.byName(), theirs.byName());
    if (!differing.isEmpty()) {
      out.append("Differing ").append(noun).append(differing.size() == 1 ? ": " : "s: ")
          .append(String.join(", ", differing)).append('\n');
    }
    out.append('\n');
  }

  private static List<String> differing(Map<String, JsonNode> ours, Map<String, JsonNode> theirs) {
    TreeSet<String> names = new TreeSet<>(ours.keySet());
    names.addAll(theirs.keySet());
    List<String> out = new ArrayList<>();
    for (String name : names) {
      JsonNode a = ours.get(name);
      JsonNode b = theirs.get(name);
      if (a == null) {
        out.add(name + " (only in Envoy)");
      } else if (b == null) {
        out.add(name + " (only in meshpilot)");
      } else if (!a.equals(b)) {
        out.add(name + " (changed)");
      }
    }
    return out;
  }

  /** A normalised section: its text (or the reason there is none) and its resources by name. */
  record Section(String text, Map<String, JsonNode> byName) {
    static Section missing(String kind) {
      return new Section("config dump has no " + kind, Map.of());
    }
  }

  /** dynamic_active_clusters, type forced to v3 Cluster, sorted by name, without version and time. */
  static Section clusters(ConfigDump dump) {
    Optional<JsonNode> section = dump.section(ConfigDump.CLUSTERS);
    if (section.isEmpty()) {
      return Section.missing(ConfigDump.CLUSTERS);
    }
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    List<ObjectNode> entries = new ArrayList<>();
    for (JsonNode entry : section.get().path("dynamicActiveClusters")) {
      ObjectNode copy = entry.deepCopy();
      copy.remove(List.of("versionInfo", "lastUpdated"));
      if (copy.path("cluster").isObject()) {
        ((ObjectNode) copy.get("cluster")).put("@type", CLUSTER_TYPE);
      }
      entries.add(copy);
    }
    entries.sort(Comparator.comparing(e -> e.path("cluster").path("name").asText()));
    entries.forEach(e -> byName.put(e.path("cluster").path("name").asText(), JsonText.canonical(e)));
    return render("dynamicActiveClusters", entries, byName);
  }

  /** dynamic_listeners with an active state, sorted by name, without draining state, name, version, time. */
  static Section listeners(ConfigDump dump) {
    Optional<JsonNode> section = dump.section(ConfigDump.LISTENERS);
    if (section.isEmpty()) {
      return Section.missing(ConfigDump.LISTENERS);
    }
    List<JsonNode> active = new ArrayList<>();
    section.get().path("dynamicListeners").forEach(l -> {
      if (l.path("activeState").isObject()) {
        active.add(l);
      }
    });
    active.sort(Comparator.comparing(l -> l.path("name").asText()));
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    List<ObjectNode> entries = new ArrayList<>();
    for (JsonNode listener : active) {
      ObjectNode copy = listener.deepCopy();
      copy.remove(List.of("drainingState", "name"));
      ((ObjectNode) copy.get("activeState")).remove(List.of("versionInfo", "lastUpdated"));
      entries.add(copy);
      byName.put(listener.path("name").asText(), JsonText.canonical(copy));
    }
    return render("dynamicListeners", entries, byName);
  }

  /** dynamic_route_configs sorted by name, virtual hosts sorted by name, without version and time. */
  static Section routes(ConfigDump dump) {
    Optional<JsonNode> section = dump.section(ConfigDump.ROUTES);
    if (section.isEmpty()) {
      return Section.missing(ConfigDump.ROUTES);
    }
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    List<ObjectNode> entries = new ArrayList<>();
    for (JsonNode entry : section.get().path("dynamicRouteConfigs")) {
      ObjectNode copy = entry.deepCopy();
      copy.remove(List.of("versionInfo", "lastUpdated"));
      JsonNode hosts = copy.path("routeConfig").path("virtualHosts");
      if (hosts.isArray()) {
        List<JsonNode> sorted = new ArrayList<>();
        hosts.forEach(sorted::add);
        sorted.sort(Comparator.comparing(h -> h.path("name").asText()));
        ((ArrayNode) hosts).removeAll().addAll(sorted);
      }
      entries.add(copy);
    }
    entries.sort(Comparator.comparing(e -> e.path("routeConfig").path("name").asText()));
    entries.forEach(e -> byName.put(e.path("routeConfig").path("name").asText(), JsonText.canonical(e)));
    return render("dynamicRouteConfigs", entries, byName);
  }

  private static Section render(String field, List<ObjectNode> entries, Map<String, JsonNode> byName) {
    ObjectNode wrapper = JsonNodeFactory.instance.objectNode();
    if (!entries.isEmpty()) {
      ArrayNode list = wrapper.putArray(field);
      entries.forEach(list::add);
    }
    return new Section(JsonText.pretty(JsonText.canonical(wrapper)), byName);
  }

  /** The newest {@code last_updated} of Envoy's dynamic route configurations. */
  static Optional<Instant> lastRouteUpdate(ConfigDump envoy) {
    Instant newest = null;
    for (JsonNode entry : envoy.section(ConfigDump.ROUTES).map(s -> s.path("dynamicRouteConfigs"))
        .orElse(JsonNodeFactory.instance.arrayNode())) {
      try {
        Instant t = Instant.parse(entry.path("lastUpdated").asText());
        if (newest == null || t.isAfter(newest)) {
          newest = t;
        }
      } catch (DateTimeParseException e) {
        // an entry without a time says nothing about the last load
      }
    }
    return Optional.ofNullable(newest);
  }
}
