package io.meshpilot.registry.serviceentry;

import io.meshpilot.registry.InvalidObjectException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of the untyped values Jackson or SnakeYAML produce for a custom resource's spec
 * (maps, lists, strings, numbers). A wrong type fails with the field's path and what was found, e.g.
 * {@code spec.ports[0].number: expected an integer, got "abc"}. A {@code null} value counts as absent.
 */
final class YamlValues {
  private static final int MAX_SHOWN = 64;

  private YamlValues() {}

  /** The value as an object (a map with string keys); {@code null} stays {@code null}. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Object value, String path) throws InvalidObjectException {
    if (value == null) {
      return null;
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw mismatch(path, "an object", value);
    }
    for (Object key : map.keySet()) {
      if (!(key instanceof String)) {
        throw new InvalidObjectException(path + ": key " + describe(key) + " is not a string");
      }
    }
    return (Map<String, Object>) map;
  }

  /** The value as a list; {@code null} stays {@code null}. */
  static List<?> list(Object value, String path) throws InvalidObjectException {
    if (value == null) {
      return null;
    }
    if (!(value instanceof List<?> list)) {
      throw mismatch(path, "a list", value);
    }
    return list;
  }

  /** The value as a string; absent is {@code ""}. */
  static String string(Object value, String path) throws InvalidObjectException {
    if (value == null) {
      return "";
    }
    if (!(value instanceof String s)) {
      throw mismatch(path, "a string", value);
    }
    return s;
  }

  /** A string that must be present (used for list items, where {@code null} is not "absent"). */
  static String requiredString(Object value, String path) throws InvalidObjectException {
    if (!(value instanceof String s)) {
      throw mismatch(path, "a string", value);
    }
    return s;
  }

  /** A protobuf {@code uint32} field that fits an {@code int}: 0 when absent. */
  static int unsignedInt(Object value, String path) throws InvalidObjectException {
    if (value == null) {
      return 0;
    }
    BigInteger n = integral(value, path);
    if (n.signum() < 0) {
      throw new InvalidObjectException(path + ": expected a non-negative integer, got " + describe(value));
    }
    if (n.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0) {
      throw new InvalidObjectException(path + ": " + describe(value) + " is out of range");
    }
    return n.intValue();
  }

  /** A list of strings; absent is empty. */
  static List<String> stringList(Object value, String path) throws InvalidObjectException {
    List<?> raw = list(value, path);
    List<String> out = new ArrayList<>();
    if (raw != null) {
      for (int i = 0; i < raw.size(); i++) {
        out.add(requiredString(raw.get(i), path + "[" + i + "]"));
      }
    }
    return out;
  }

  /** A map of string to string; absent is empty. */
  static Map<String, String> stringMap(Object value, String path) throws InvalidObjectException {
    Map<String, Object> raw = object(value, path);
    Map<String, String> out = new LinkedHashMap<>();
    if (raw != null) {
      for (Map.Entry<String, Object> e : raw.entrySet()) {
        out.put(e.getKey(), requiredString(e.getValue(), path + "." + e.getKey()));
      }
    }
    return out;
  }

  /** A map of string to {@code uint32}; absent is empty. */
  static Map<String, Integer> unsignedIntMap(Object value, String path) throws InvalidObjectException {
    Map<String, Object> raw = object(value, path);
    Map<String, Integer> out = new LinkedHashMap<>();
    if (raw != null) {
      for (Map.Entry<String, Object> e : raw.entrySet()) {
        String itemPath = path + "." + e.getKey();
        if (e.getValue() == null) {
          throw mismatch(itemPath, "an integer", null);
        }
        out.put(e.getKey(), unsignedInt(e.getValue(), itemPath));
      }
    }
    return out;
  }

  /** An enum given by its exact name; {@code fallback} when absent. */
  static <E extends Enum<E>> E enumValue(Object value, Class<E> type, E fallback, String path)
      throws InvalidObjectException {
    if (value == null) {
      return fallback;
    }
    String name = string(value, path);
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equals(name)) {
        return constant;
      }
    }
    List<String> names = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      names.add(constant.name());
    }
    throw new InvalidObjectException(
        path + ": unknown value " + describe(value) + " (one of " + String.join(", ", names) + ")");
  }

  private static BigInteger integral(Object value, String path) throws InvalidObjectException {
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return BigInteger.valueOf(((Number) value).longValue());
    }
    if (value instanceof BigInteger b) {
      return b;
    }
    if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
      // JSON has one number type: 80.0 is the integer 80, 80.5 is not an integer
      BigDecimal d = value instanceof BigDecimal bd ? bd : toBigDecimal((Number) value);
      if (d != null) {
        try {
          return d.toBigIntegerExact();
        } catch (ArithmeticException notIntegral) {
          // fall through to the error below
        }
      }
    }
    throw mismatch(path, "an integer", value);
  }

  private static BigDecimal toBigDecimal(Number n) {
    double d = n.doubleValue();
    return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
  }

  private static InvalidObjectException mismatch(String path, String expected, Object value) {
    return new InvalidObjectException(path + ": expected " + expected + ", got " + describe(value));
  }

  /** How a value is shown in an error: strings quoted, collections by kind. */
  static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String s) {
      String shown = s.length() > MAX_SHOWN ? s.substring(0, MAX_SHOWN) + "..." : s;
      return "\"" + shown.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
    if (value instanceof Map<?, ?>) {
      return "an object";
    }
    if (value instanceof List<?>) {
      return "a list";
    }
    return String.valueOf(value);
  }
}
