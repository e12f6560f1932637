package io.meshpilot.conformance.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What identifies an element of an xDS or registryz array, so that two servers' lists compare
 * element by element rather than by position: its {@code name} (clusters, listeners, filters,
 * virtual hosts, ports), a ClusterLoadAssignment's {@code clusterName}, an endpoint's socket address,
 * a registryz service's hostname and namespace.
 */
final class ElementKey {
  static final ObjectMapper JSON = new ObjectMapper();

  private ElementKey() {}

  /** Every element by its key, in array order; empty unless each element has a distinct key. */
  static Optional<Map<String, JsonNode>> keyed(JsonNode array) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (JsonNode element : array) {
      Optional<String> key = of(element);
      if (key.isEmpty() || out.putIfAbsent(key.get(), element) != null) {
        return Optional.empty();
      }
    }
    return Optional.of(out);
  }

  /** The key of one element, if it has one. */
  static Optional<String> of(JsonNode element) {
    if (!element.isObject()) {
      return Optional.empty();
    }
    for (String field : new String[] {"name", "clusterName", "cluster_name", "hostname"}) {
      JsonNode value = element.get(field);
      if (value != null && value.isValueNode()) {
        JsonNode namespace = element.path("Attributes").path("Namespace");
        return Optional.of(value.asText() + (namespace.isTextual() ? " (" + namespace.asText() + ")" : ""));
      }
    }
    JsonNode socket = element.path("endpoint").path("address").path("socketAddress");
    if (socket.isMissingNode()) {
      socket = element.path("endpoint").path("address").path("socket_address");
    }
    if (socket.isObject()) {
      return Optional.of(socket.path("address").asText() + ":" + socket.path("portValue").asText(
          socket.path("port_value").asText()));
    }
    JsonNode port = element.path("port");
    if (port.isValueNode() && element.has("protocol")) {
      return Optional.of(port.asText()); // registryz ports: {name, port, protocol}
    }
    return Optional.empty();
  }
}
