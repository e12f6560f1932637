package io.meshpilot.registry.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.ObjectSink;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes informer events to the sink, unchanged. Idempotent by construction: relists re-deliver
 * objects as adds or updates, and a delete of an unknown object is harmless to the sink.
 */
final class SinkForwarder<T extends HasMetadata> implements ResourceEventHandler<T> {
  private static final Logger log = LoggerFactory.getLogger(SinkForwarder.class);

  private final ObjectSink sink;
  private final String source;
  private final String kind;
  private final String apiVersion;

  /**
   * @param kind and apiVersion are filled into generic objects that arrive without them (list items)
   */
  SinkForwarder(ObjectSink sink, String source, String kind, String apiVersion) {
    this.sink = sink;
    this.source = source;
    this.kind = kind;
    this.apiVersion = apiVersion;
  }

  @Override
  public void onAdd(T object) {
    upsert(object);
  }

  @Override
  public void onUpdate(T oldObject, T newObject) {
    // Relists and rebuilt informers replay unchanged objects as updates; the sink need not see them.
    String oldVersion = oldObject == null ? null : oldObject.getMetadata().getResourceVersion();
    if (oldVersion != null && Objects.equals(oldVersion, newObject.getMetadata().getResourceVersion())) {
      return;
    }
    upsert(newObject);
  }

  @Override
  public void onDelete(T object, boolean deletedFinalStateUnknown) {
    fillKind(object);
    try {
      sink.delete(source, object);
    } catch (RuntimeException e) {
      log.warn("Delete of {} failed in the registry: {}", key(object), e.toString());
    }
  }

  private void upsert(T object) {
    fillKind(object);
    try {
      sink.upsert(source, object);
    } catch (RuntimeException e) {
      log.warn("Update of {} failed in the registry: {}", key(object), e.toString());
    }
  }

  private void fillKind(T object) {
    if (object instanceof GenericKubernetesResource generic && generic.getKind() == null) {
      generic.setKind(kind);
      generic.setApiVersion(apiVersion);
    }
  }

  private String key(T object) {
    return new ObjectKey(kind, object.getMetadata().getNamespace(), object.getMetadata().getName()).toString();
  }
}
