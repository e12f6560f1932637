package io.meshpilot.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The Istio config that produced a cluster or route, from its {@code filter_metadata.istio.config}
 * ({@code /apis/networking.istio.io/<version>/namespaces/<ns>/<kind>/<name>}, any version), shown as
 * {@code <name>.<ns>} in istioctl's DESTINATION RULE and VIRTUAL SERVICE columns.
 */
final class Management {
  private static final String PREFIX = "/apis/networking.istio.io/";

  private Management() {}

  static String describe(JsonNode metadata) {
    JsonNode config = metadata.path("filterMetadata").path("istio").path("config");
    if (!config.isTextual()) {
      return "";
    }
    String path = config.asText();
    if (!path.startsWith(PREFIX)) {
      return "<unknown>";
    }
    String[] pieces = path.split("/", -1);
    return pieces.length == 8 ? pieces[7] + "." + pieces[5] : "";
  }
}
