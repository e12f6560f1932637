package io.meshpilot.conformance.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Removes from a resource what the comparison deliberately ignores, and counts what it removed:
 * Istio's own extensions, which upstream Envoy cannot run (filters named {@code istio.*} or
 * {@code istio_*}, or whose typed config is an Istio type), and mTLS until meshpilot serves it
 * (every {@code transportSocket} and {@code transportSocketMatches}, and the listener filter chains
 * that terminate TLS). Everything else is compared.
 */
public final class Unrunnable {
  private final Map<String, Integer> removed = new TreeMap<>();

  /** A copy of {@code resource} without what is ignored. */
  public JsonNode strip(JsonNode resource) {
    JsonNode copy = resource.deepCopy();
    walk(copy);
    return copy;
  }

  /** What was removed so far, by reason, for the report. */
  public Map<String, Integer> removed() {
    return Map.copyOf(removed);
  }

  private void walk(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (String field : new String[] {"transportSocket", "transport_socket", "transportSocketMatches",
          "transport_socket_matches"}) {
        if (object.remove(field) != null) {
          count("mTLS: " + field);
        }
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        JsonNode child = it.next().getValue();
        boolean hadElements = child.isArray() && !child.isEmpty();
        walk(child);
        if (hadElements && child.isEmpty()) {
          it.remove(); // protobuf JSON has no empty lists: what is left is what the server would send without them
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
        JsonNode element = it.next();
        if (isIstioExtension(element)) {
          count("istio.* extension: " + element.path("name").asText(typeOf(element)));
          it.remove();
        } else if (isTlsChain(element)) {
          count("mTLS: filter chain terminating TLS");
          it.remove();
        } else {
          walk(element);
        }
      }
    }
  }

  private static boolean isIstioExtension(JsonNode element) {
    String name = element.path("name").asText("");
    return name.startsWith("istio.") || name.startsWith("istio_") || typeOf(element).contains("istio");
  }

  /** A listener filter chain with a downstream TLS transport socket: Istio's inbound mTLS chains. */
  private static boolean isTlsChain(JsonNode element) {
    return element.has("filters") && (element.has("transportSocket") || element.has("transport_socket"));
  }

  private static String typeOf(JsonNode element) {
    JsonNode typed = element.has("typedConfig") ? element.path("typedConfig") : element.path("typed_config");
    String type = typed.path("@type").asText("");
    if (type.endsWith("TypedStruct")) {
      return typed.path("typeUrl").asText(typed.path("type_url").asText(type));
    }
    return type;
  }

  private void count(String reason) {
    removed.merge(reason, 1, Integer::sum);
  }
}
