package io.meshpilot.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code meshpilot proxy-status}'s table from {@code /debug/syncz} (reference istio-registry.md
 * §3.2–3.4): istioctl's ≤1.26 layout {@code NAME CLUSTER CDS LDS EDS RDS ISTIOD VERSION}, then,
 * beyond istioctl, one line per rejected (NACKed) type with Envoy's error, so rejections are seen.
 */
final class SyncStatusTable {
  private static final Map<String, String> LEGACY_PREFIX =
      Map.of(XdsTypes.CDS, "cluster", XdsTypes.LDS, "listener", XdsTypes.EDS, "endpoint", XdsTypes.RDS, "route");
  private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  private SyncStatusTable() {}

  /**
   * @param syncz the {@code /debug/syncz} array
   * @param controlPlane what the ISTIOD column shows (the server's identity)
   * @param now the time ages are measured to
   */
  static String render(JsonNode syncz, String controlPlane, Instant now) {
    List<JsonNode> proxies = new ArrayList<>();
    syncz.forEach(proxies::add);
    proxies.sort(Comparator.comparing(p -> p.path("proxy").asText()));
    TabTable table = new TabTable(5).row("NAME", "CLUSTER", "CDS", "LDS", "EDS", "RDS", "ISTIOD", "VERSION");
    List<String> rejections = new ArrayList<>();
    for (JsonNode proxy : proxies) {
      List<String> row = new ArrayList<>();
      row.add(proxy.path("proxy").asText());
      row.add(proxy.path("cluster_id").asText());
      for (String type : XdsTypes.TABLE_TYPES) {
        row.add(cell(proxy, type, now));
      }
      row.add(controlPlane);
      row.add(proxy.path("istio_version").asText());
      table.row(row);
      rejections.addAll(rejections(proxy));
    }
    StringBuilder out = new StringBuilder(table.render());
    if (!rejections.isEmpty()) {
      out.append('\n');
      rejections.forEach(line -> out.append(line).append('\n'));
    }
    return out.toString();
  }

  private static String cell(JsonNode proxy, String type, Instant now) {
    JsonNode resources = proxy.path("resources");
    if (!resources.isObject()) {
      return legacyCell(proxy, LEGACY_PREFIX.get(type));
    }
    JsonNode state = resources.path(type);
    if (!state.isObject()) {
      return "IGNORED"; // the proxy does not watch this type
    }
    String status = status(state);
    if (status.equals("NOT SENT")) {
      return status;
    }
    return sentTime(state).map(sent -> status + " (" + HumanDuration.format(Duration.between(sent, now)) + ")")
        .orElse(status);
  }

  /** meshpilot's own {@code status} when present, else istiod's rule (§3.3) from the nonces. */
  static String status(JsonNode state) {
    String given = state.path("status").asText();
    if (!given.isEmpty()) {
      return given.replace('_', ' ');
    }
    String sent = state.path("sent").asText();
    if (!state.path("lastError").asText().isEmpty()) {
      return "ERROR";
    } else if (sent.isEmpty()) {
      return "NOT SENT";
    } else if (sent.equals(state.path("acked").asText())) {
      return "SYNCED";
    }
    return "STALE";
  }

  /** Servers without {@code resources} (istiod before 1.23): the {@code <type>_sent/_acked} nonces. */
  private static String legacyCell(JsonNode proxy, String prefix) {
    String sent = proxy.path(prefix + "_sent").asText();
    String acked = proxy.path(prefix + "_acked").asText();
    if (sent.isEmpty()) {
      return "NOT SENT";
    } else if (sent.equals(acked)) {
      return "SYNCED";
    } else if (acked.isEmpty()) {
      return "STALE (Never Acknowledged)";
    }
    return "STALE";
  }

  private static Optional<Instant> sentTime(JsonNode state) {
    String text = state.path("sentTime").asText();
    if (text.isEmpty() || text.equals(ZERO_TIME)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static List<String> rejections(JsonNode proxy) {
    List<String> types = new ArrayList<>();
    proxy.path("resources").fieldNames().forEachRemaining(types::add);
    types.sort(Comparator.comparingInt(XdsTypes::order).thenComparing(Comparator.naturalOrder()));
    List<String> lines = new ArrayList<>();
    for (String type : types) {
      JsonNode state = proxy.path("resources").path(type);
      String error = state.path("lastError").asText();
      if (!status(state).equals("ERROR") && error.isEmpty()) {
        continue;
      }
      String when = state.path("error_time").asText(state.path("errorTime").asText());
      lines.add(proxy.path("proxy").asText() + " " + XdsTypes.shortName(type) + " rejected"
          + (when.isEmpty() ? "" : " at " + when) + ": "
          + (error.isEmpty() ? "(no error text)" : error.strip().replace("\n", "\n    ")));
    }
    return lines;
  }
}
