package io.meshpilot.conformance.diff;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * The services of one {@code /debug/registryz} answer (istiod's {@code model.Service} JSON) by
 * {@code hostname (namespace)}, the identity of a service in the registry.
 */
public final class RegistryzView {
  private RegistryzView() {}

  /** The services by name, sorted. */
  public static Map<String, JsonNode> services(JsonNode registryz) {
    Map<String, JsonNode> out = new TreeMap<>();
    for (JsonNode service : registryz) {
      out.put(service.path("hostname").asText() + " (" + service.path("Attributes").path("Namespace").asText() + ")",
          service);
    }
    return out;
  }
}
