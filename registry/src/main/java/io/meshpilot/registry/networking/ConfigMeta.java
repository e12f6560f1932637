package io.meshpilot.registry.networking;

import io.meshpilot.registry.ObjectKey;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The metadata of one accepted Istio config object, as istiod's config store keeps it.
 *
 * @param key kind, namespace and name ({@code DestinationRule shop/cart})
 * @param apiVersion as served or written ({@code networking.istio.io/v1})
 * @param resourceVersion the API server's, or a content hash for files
 * @param creationTimestamp orders objects as istiod does (oldest first, then namespace/name)
 * @param source who delivered it ({@code kubernetes}, {@code file:<path>})
 */
public record ConfigMeta(ObjectKey key, String apiVersion, String resourceVersion, Instant creationTimestamp,
    Map<String, String> labels, Map<String, String> annotations, long generation, String source) {
  public ConfigMeta {
    Objects.requireNonNull(key, "key");
    apiVersion = Objects.requireNonNullElse(apiVersion, "");
    resourceVersion = Objects.requireNonNullElse(resourceVersion, "");
    creationTimestamp = Objects.requireNonNullElse(creationTimestamp, Instant.EPOCH);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    source = Objects.requireNonNullElse(source, "");
  }

  public String namespace() {
    return key.namespace();
  }

  public String name() {
    return key.name();
  }
}
