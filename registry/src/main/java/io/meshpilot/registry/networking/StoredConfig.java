package io.meshpilot.registry.networking;

import java.util.Map;
import java.util.Objects;

/**
 * One accepted Istio config object as istiod's config store lists it ({@code /debug/configz}):
 * its kind, metadata, UID and spec as a JSON tree (maps, lists, strings, numbers, booleans).
 *
 * @param spec the spec in Istio's field names; for the traffic kinds it is printed from the parsed
 *     record, so fields meshpilot does not know are absent, as in istiod's proto
 */
public record StoredConfig(IstioKind kind, ConfigMeta meta, String uid, Map<String, Object> spec) {
  public StoredConfig {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(meta, "meta");
    uid = Objects.requireNonNullElse(uid, "");
    spec = spec == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(spec));
  }
}
