package io.meshpilot.debughttp;

import io.meshpilot.registry.networking.ConfigMeta;
import io.meshpilot.registry.networking.StoredConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code /debug/configz}: every Istio config object the registry holds, as istiod's
 * {@code kubernetesConfig} marshals it, a Kubernetes-style object {@code {"kind", "apiVersion",
 * "metadata", "spec"}}. The apiVersion is the kind's canonical one ({@code networking.istio.io/v1})
 * whatever version delivered it, as istiod converts to its schema's; metadata has Go's
 * {@code ObjectMeta} fields in Go's order, empty ones left out, and {@code creationTimestamp} is
 * {@code null} when unknown (a file without one), second precision otherwise, as {@code
 * metav1.Time} prints. The registry gives the configs in order and the specs with their keys
 * ordered; this view only writes them.
 */
final class ConfigzJson {
  private ConfigzJson() {}

  static String write(List<StoredConfig> configs, boolean pretty) {
    GoJsonWriter json = new GoJsonWriter(pretty);
    try {
      json.startArray();
      for (StoredConfig config : configs) {
        json.startObject();
        json.name("kind").string(config.kind().kind());
        json.name("apiVersion").string(config.kind().canonicalApiVersion());
        json.name("metadata");
        metadata(json, config.meta(), config.uid());
        json.name("spec");
        value(json, config.spec());
        json.endObject();
      }
      json.endArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return json.toString();
  }

  private static void metadata(GoJsonWriter json, ConfigMeta meta, String uid) throws IOException {
    json.startObject();
    json.name("name").string(meta.name());
    json.name("namespace").string(meta.namespace());
    if (!uid.isEmpty()) {
      json.name("uid").string(uid);
    }
    if (!meta.resourceVersion().isEmpty()) {
      json.name("resourceVersion").string(meta.resourceVersion());
    }
    if (meta.generation() != 0) {
      json.name("generation").number(meta.generation());
    }
    json.name("creationTimestamp");
    if (meta.creationTimestamp().equals(Instant.EPOCH)) {
      json.nullValue();
    } else {
      json.time(meta.creationTimestamp().truncatedTo(ChronoUnit.SECONDS));
    }
    if (!meta.labels().isEmpty()) {
      json.name("labels").stringMapOrNull(meta.labels());
    }
    if (!meta.annotations().isEmpty()) {
      json.name("annotations").stringMapOrNull(meta.annotations());
    }
    json.endObject();
  }

  /** A JSON tree of maps, lists, strings, numbers and booleans, in the order it is given. */
  private static void value(GoJsonWriter json, Object value) throws IOException {
    switch (value) {
      case null -> json.nullValue();
      case Map<?, ?> map -> {
        json.startObject();
        for (Map.Entry<?, ?> e : map.entrySet()) {
          json.name(String.valueOf(e.getKey()));
          value(json, e.getValue());
        }
        json.endObject();
      }
      case List<?> list -> {
        json.startArray();
        for (Object item : list) {
          value(json, item);
        }
        json.endArray();
      }
      case Boolean b -> json.bool(b);
      case Integer i -> json.number(i);
      case Long l -> json.number(l);
      case Number n -> json.number(n.doubleValue());
      default -> json.string(String.valueOf(value));
    }
  }
}
