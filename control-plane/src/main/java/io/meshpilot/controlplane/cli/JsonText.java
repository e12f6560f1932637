package io.meshpilot.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * JSON as the CLI reads and prints it: parsing, protobuf-JSON-like text (4-space indent,
 * {@code "key": value}, {@code []}/{@code {}} when empty), YAML, and the canonical form both sides
 * of a config comparison are put in.
 */
final class JsonText {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
  private static final String INDENT = "    ";

  private JsonText() {}

  static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new CliException("not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** 4-space indented JSON, no trailing newline. */
  static String pretty(JsonNode node) {
    StringBuilder out = new StringBuilder();
    write(node, 0, out);
    return out.toString();
  }

  static String yaml(JsonNode node) {
    try {
      return YAML.writeValueAsString(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(JsonNode node, int depth, StringBuilder out) {
    if (node.isObject()) {
      if (node.isEmpty()) {
        out.append("{}");
        return;
      }
      out.append("{\n");
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        out.append(INDENT.repeat(depth + 1)).append(JSON.getNodeFactory().textNode(field.getKey())).append(": ");
        write(field.getValue(), depth + 1, out);
        out.append(fields.hasNext() ? ",\n" : "\n");
      }
      out.append(INDENT.repeat(depth)).append('}');
    } else if (node.isArray()) {
      if (node.isEmpty()) {
        out.append("[]");
        return;
      }
      out.append("[\n");
      for (int i = 0; i < node.size(); i++) {
        out.append(INDENT.repeat(depth + 1));
        write(node.get(i), depth + 1, out);
        out.append(i < node.size() - 1 ? ",\n" : "\n");
      }
      out.append(INDENT.repeat(depth)).append(']');
    } else {
      out.append(node);
    }
  }

  /**
   * The canonical form of a protobuf JSON value, so that Envoy's dump (snake_case field names, C++
   * printer) and meshpilot's (lowerCamelCase, Java printer) compare equal when the messages are:
   * field names in lowerCamelCase, {@code @type} then {@code name} first and the other keys sorted
   * (map and Struct ordering differs between printers), integral numbers without a fraction.
   */
  static JsonNode canonical(JsonNode node) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (node.isObject()) {
      List<String> keys = new ArrayList<>();
      node.fieldNames().forEachRemaining(keys::add);
      keys.sort((x, y) -> {
        int rx = rank(camel(x));
        int ry = rank(camel(y));
        return rx != ry ? Integer.compare(rx, ry) : camel(x).compareTo(camel(y));
      });
      ObjectNode out = f.objectNode();
      for (String key : keys) {
        out.set(camel(key), canonical(node.get(key)));
      }
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = f.arrayNode();
      node.forEach(element -> out.add(canonical(element)));
      return out;
    }
    if (node.isNumber()) {
      BigDecimal value = node.decimalValue().stripTrailingZeros();
      return value.scale() <= 0 ? f.numberNode(value.toBigIntegerExact()) : f.numberNode(value);
    }
    return node;
  }

  /** The same value with every field name in lowerCamelCase, order kept. */
  static JsonNode camelKeys(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      node.fields().forEachRemaining(e -> out.set(camel(e.getKey()), camelKeys(e.getValue())));
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      node.forEach(element -> out.add(camelKeys(element)));
      return out;
    }
    return node;
  }

  private static int rank(String key) {
    return switch (key) {
      case "@type" -> 0;
      case "name" -> 1;
      default -> 2;
    };
  }

  /** A proto field's JSON name: {@code connect_timeout} becomes {@code connectTimeout}. */
  static String camel(String key) {
    if (key.indexOf('_') < 0 || key.startsWith("@")) {
      return key;
    }
    StringBuilder out = new StringBuilder(key.length());
    boolean upper = false;
    for (char c : key.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }
}
