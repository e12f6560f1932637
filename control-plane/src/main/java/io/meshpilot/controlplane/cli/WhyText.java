package io.meshpilot.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The text {@code meshpilot why} prints for a {@code /debug/why} answer: one section per stage. */
final class WhyText {
  private WhyText() {}

  static String render(JsonNode why) {
    StringBuilder out = new StringBuilder();
    out.append(why.path("hostname").asText()).append(" for ").append(why.path("proxyID").asText())
        .append(" (connection ").append(why.path("connectionID").asText()).append(")\n\n");
    registry(why.path("registry"), out);
    visibility(why.path("visibility"), out);
    pushes(why.path("pushes"), out);
    proxy(why.path("proxy"), out);
    return out.toString();
  }

  private static void registry(JsonNode registry, StringBuilder out) {
    out.append("REGISTRY    ").append(registry.path("status").asText()).append('\n');
    TabTable table = new TabTable(3);
    for (JsonNode object : registry.path("objects")) {
      table.row("  " + object(object), object.path("registry").asText(),
          "resourceVersion " + orDash(object.path("resourceVersion").asText()),
          "exportTo " + String.join(",", texts(object.path("exportTo"))));
    }
    change(table, "service changed", registry.path("serviceChange"));
    change(table, "endpoints changed", registry.path("endpointsChange"));
    for (JsonNode rejection : registry.path("rejections")) {
      table.row("  rejected " + rejection.path("since").asText(), object(rejection),
          "from " + rejection.path("source").asText(), oneLine(rejection.path("reason").asText()));
    }
    out.append(table.render());
  }

  private static void change(TabTable table, String label, JsonNode change) {
    if (change.isMissingNode()) {
      return;
    }
    table.row("  " + label + " " + change.path("time").asText(),
        change.path("action").asText() + " " + object(change),
        "resourceVersion " + orDash(change.path("resourceVersion").asText()),
        "from " + change.path("source").asText());
  }

  private static void visibility(JsonNode visibility, StringBuilder out) {
    out.append("VISIBILITY  ").append(visibility.path("visible").asBoolean() ? "visible" : "not visible")
        .append(": ").append(visibility.path("reason").asText()).append('\n');
    TabTable table = new TabTable(3);
    for (String kind : List.of("clusters", "listeners", "routes")) {
      List<String> names = texts(visibility.path(kind));
      table.row("  " + kind, names.isEmpty() ? "-" : String.join(" ", names));
    }
    out.append(table.render());
  }

  private static void pushes(JsonNode pushes, StringBuilder out) {
    out.append("PUSH\n");
    if (pushes.isEmpty()) {
      out.append("  no change recorded for this hostname since meshpilot started\n");
      return;
    }
    TabTable table = new TabTable(3);
    for (JsonNode push : pushes) {
      String carried = push.has("version")
          ? push.path("type").asText() + " push " + push.path("version").asText() + " at " + push.path("started").asText()
          : "-";
      table.row("  " + push.path("change").asText().toLowerCase(Locale.ROOT) + " change " + push.path("changedAt").asText(),
          carried, push.path("status").asText(), oneLine(push.path("detail").asText()));
    }
    out.append(table.render());
  }

  private static void proxy(JsonNode proxy, StringBuilder out) {
    out.append("PROXY\n");
    TabTable table = new TabTable(3).row("  TYPE", "STATUS", "RESOURCES", "SENT (NONCE VERSION)", "ACKED (NONCE VERSION)",
        "DETAIL");
    proxy.fields().forEachRemaining(e -> {
      JsonNode type = e.getValue();
      table.row("  " + e.getKey().toUpperCase(Locale.ROOT), type.path("status").asText(),
          Integer.toString(type.path("resources").size()),
          nonceAndVersion(type, "nonceSent", "versionSent"), nonceAndVersion(type, "nonceAcked", "versionAcked"),
          oneLine(type.path("detail").asText()));
    });
    out.append(table.render());
    proxy.fields().forEachRemaining(e -> {
      for (JsonNode resource : e.getValue().path("resources")) {
        if (!"ACKED".equals(resource.path("status").asText())) {
          out.append("  ").append(e.getKey().toUpperCase(Locale.ROOT)).append(' ')
              .append(resource.path("name").asText()).append(": ").append(resource.path("status").asText())
              .append(resource.path("removed").asBoolean() ? " (removal)" : "").append('\n');
        }
      }
    });
  }

  private static String nonceAndVersion(JsonNode type, String nonce, String version) {
    return type.has(nonce) ? type.path(nonce).asText() + " " + type.path(version).asText("") : "-";
  }

  private static String object(JsonNode node) {
    String namespace = node.path("namespace").asText();
    return node.path("kind").asText() + " " + (namespace.isEmpty() ? "" : namespace + "/") + node.path("name").asText();
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  /** Envoy's errors span lines (and end with spaces); a table cell is one line. */
  private static String oneLine(String text) {
    return text.strip().replaceAll("\\s*\n\\s*", " ");
  }

  private static String orDash(String value) {
    return value.isEmpty() ? "-" : value;
  }
}
