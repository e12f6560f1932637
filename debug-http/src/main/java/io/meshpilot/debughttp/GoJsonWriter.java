package io.meshpilot.debughttp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Writes JSON the way Go's {@code encoding/json} does, so meshpilot's debug output matches istiod's
 * byte for byte: Go's string escaping, {@code MarshalIndent(v, "", "    ")} layout when pretty, and
 * map keys sorted as strings. One instance writes one document; {@link #toString()} returns it.
 */
final class GoJsonWriter {
  private static final JsonFactory FACTORY = new JsonFactory().setCharacterEscapes(new GoCharacterEscapes());

  /** Go sorts map keys by their bytes; code point order is UTF-8 byte order. */
  static final Comparator<String> GO_STRING_ORDER = GoJsonWriter::compareCodePoints;

  private final StringWriter out = new StringWriter();
  private final JsonGenerator gen;

  GoJsonWriter(boolean pretty) {
    try {
      gen = FACTORY.createGenerator(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (pretty) {
      gen.setPrettyPrinter(new GoIndentPrettyPrinter());
    }
  }

  /** Writes one JSON value of a map entry or list element. */
  @FunctionalInterface
  interface ValueWriter<T> {
    void write(GoJsonWriter json, T value) throws IOException;
  }

  GoJsonWriter startObject() throws IOException {
    gen.writeStartObject();
    return this;
  }

  GoJsonWriter endObject() throws IOException {
    gen.writeEndObject();
    return this;
  }

  GoJsonWriter startArray() throws IOException {
    gen.writeStartArray();
    return this;
  }

  GoJsonWriter endArray() throws IOException {
    gen.writeEndArray();
    return this;
  }

  GoJsonWriter name(String name) throws IOException {
    gen.writeFieldName(validUtf16(name));
    return this;
  }

  GoJsonWriter string(String value) throws IOException {
    gen.writeString(validUtf16(value));
    return this;
  }

  GoJsonWriter number(long value) throws IOException {
    gen.writeNumber(value);
    return this;
  }

  /** A float as Go and protobuf JSON print it: whole values without a fraction ({@code 20}, not {@code 20.0}). */
  GoJsonWriter number(double value) throws IOException {
    if (value == Math.rint(value) && Math.abs(value) < 1e21) {
      gen.writeNumber((long) value);
    } else {
      gen.writeNumber(value);
    }
    return this;
  }

  GoJsonWriter bool(boolean value) throws IOException {
    gen.writeBoolean(value);
    return this;
  }

  GoJsonWriter nullValue() throws IOException {
    gen.writeNull();
    return this;
  }

  /** A Go {@code time.Time}: RFC 3339 with nanoseconds, trailing fractional zeros removed, UTC. */
  GoJsonWriter time(Instant value) throws IOException {
    return string(GoTime.format(value));
  }

  /**
   * A map as a Go map: {@code null} when empty (a nil map), else an object whose keys are sorted as
   * strings after conversion (so integer keys sort as text: {@code "15443" < "443" < "80"}).
   */
  <K, V> GoJsonWriter mapOrNull(Map<K, V> map, Function<K, String> keyText, ValueWriter<V> value)
      throws IOException {
    if (map.isEmpty()) {
      return nullValue();
    }
    List<Map.Entry<String, V>> entries = new ArrayList<>(map.size());
    map.forEach((k, v) -> entries.add(Map.entry(keyText.apply(k), v)));
    entries.sort(Map.Entry.comparingByKey(GO_STRING_ORDER));
    startObject();
    for (Map.Entry<String, V> e : entries) {
      name(e.getKey());
      value.write(this, e.getValue());
    }
    return endObject();
  }

  /** A map made with {@code make}: {@code {}} when empty, else an object with keys sorted as strings. */
  <V> GoJsonWriter mapOrEmpty(Map<String, V> map, ValueWriter<V> value) throws IOException {
    if (map.isEmpty()) {
      return startObject().endObject();
    }
    return mapOrNull(map, Function.identity(), value);
  }

  /** A {@code map[string]string}. */
  GoJsonWriter stringMapOrNull(Map<String, String> map) throws IOException {
    return mapOrNull(map, Function.identity(), GoJsonWriter::string);
  }

  /** A Go set ({@code map[string]struct{}}): {@code {"member": {}}} with sorted members, or null. */
  GoJsonWriter setOrNull(Iterable<String> members) throws IOException {
    List<String> sorted = new ArrayList<>();
    members.forEach(sorted::add);
    if (sorted.isEmpty()) {
      return nullValue();
    }
    sorted.sort(GO_STRING_ORDER);
    startObject();
    for (String member : sorted) {
      name(member).startObject().endObject();
    }
    return endObject();
  }

  /** A JSON tree as it is (fields in the tree's order): protobuf JSON of a message istiod embeds. */
  GoJsonWriter tree(JsonNode node) throws IOException {
    if (node.isObject()) {
      startObject();
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        name(field.getKey());
        tree(field.getValue());
      }
      return endObject();
    }
    if (node.isArray()) {
      startArray();
      for (JsonNode element : node) {
        tree(element);
      }
      return endArray();
    }
    if (node.isIntegralNumber()) {
      return number(node.longValue());
    }
    if (node.isBoolean()) {
      return bool(node.booleanValue());
    }
    if (node.isNull() || node.isMissingNode()) {
      return nullValue();
    }
    if (node.isNumber()) {
      gen.writeNumber(node.doubleValue());
      return this;
    }
    return string(node.asText());
  }

  /** The finished document. */
  @Override
  public String toString() {
    try {
      gen.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /** Go replaces invalid UTF-8 with U+FFFD; the Java equivalent is a lone surrogate. */
  private static String validUtf16(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        return replaceLoneSurrogates(s);
      }
    }
    return s;
  }

  private static String replaceLoneSurrogates(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        b.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        b.append('\uFFFD');
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
