package io.meshpilot.registry.networking;

import java.util.List;
import java.util.Map;

/** Turns absent repeated fields and maps into empty immutable ones (records' compact constructors). */
final class Nulls {
  private Nulls() {}

  static <T> List<T> list(List<T> in) {
    return in == null ? List.of() : List.copyOf(in);
  }

  static <K, V> Map<K, V> map(Map<K, V> in) {
    return in == null ? Map.of() : Map.copyOf(in);
  }
}
