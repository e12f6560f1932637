package io.meshpilot.debughttp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** A compact JSON array of strings, as {@code json.Marshal} of a {@code []string} writes it. */
final class StringListJson {
  private StringListJson() {}

  static String write(List<String> values) {
    GoJsonWriter json = new GoJsonWriter(false);
    try {
      json.startArray();
      for (String value : values) {
        json.string(value);
      }
      json.endArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return json.toString();
  }
}
