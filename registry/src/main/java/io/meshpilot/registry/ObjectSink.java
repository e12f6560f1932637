package io.meshpilot.registry;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Where sources deliver the objects they watch: Services, EndpointSlices, Endpoints, Pods, Nodes
 * (fabric8 typed objects) and the networking.istio.io kinds ServiceEntry, WorkloadEntry,
 * DestinationRule, VirtualService and Sidecar ({@code GenericKubernetesResource}).
 * The Kubernetes informers and the config-directory watcher write here; nothing else mutates the
 * registry. Objects are converted to compact projections on arrival; the full objects are not kept.
 */
public interface ObjectSink {
  /**
   * Adds or replaces an object.
   *
   * @param source who delivered it ({@code kubernetes}, {@code file:<path>}), for rejections and logs
   */
  void upsert(String source, HasMetadata object);

  /** Removes an object (and any rejection recorded for it). */
  void delete(String source, HasMetadata object);

  /** Declares a source whose initial state is still loading; the registry is not synced until it is. */
  void sourceStarted(String source);

  /** Marks a source as having delivered its initial state. */
  void sourceSynced(String source);

  /**
   * Reports input the source could not even turn into an object (a YAML syntax error, a document
   * that does not deserialize); the registry lists it with the other rejections.
   */
  default void reportInvalid(String source, ObjectKey key, String reason) {}

  /** Clears a report made with {@link #reportInvalid} once the input is fine again. */
  default void clearInvalid(ObjectKey key) {}
}
