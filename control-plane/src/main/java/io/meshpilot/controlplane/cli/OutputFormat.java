package io.meshpilot.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code -o}: istioctl's {@code short} table, or the raw selected config as JSON or YAML. */
enum OutputFormat {
  SHORT, JSON, YAML;

  /** The config as this format prints it; not for {@link #SHORT}. */
  String format(JsonNode config) {
    return this == YAML ? JsonText.yaml(config) : JsonText.pretty(config) + "\n";
  }
}
