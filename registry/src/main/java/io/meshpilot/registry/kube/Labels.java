package io.meshpilot.registry.kube;

import java.util.Map;
import java.util.TreeMap;

/** Label-map helpers shared by the projections. */
final class Labels {
  private Labels() {}

  /** An immutable copy with interned keys and values; null values (possible in YAML files) become "". */
  static Map<String, String> compact(Map<String, String> labels) {
    if (labels == null || labels.isEmpty()) {
      return Map.of();
    }
    Map<String, String> out = new TreeMap<>();
    labels.forEach((k, v) -> {
      if (k != null) {
        out.put(Interner.intern(k), Interner.intern(v == null ? "" : v));
      }
    });
    return Map.copyOf(out);
  }

  static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
