package io.meshpilot.registry.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Informer caches that keep only an object's key, kind, resourceVersion and labels instead of the whole
 * object (a full Pod with managedFields costs tens of KB). That is all an informer's own cache is
 * used for here: the registry converts the full objects that add and update events carry into
 * compact projections, deletes need only the key, and a rebuilt informer is seeded with the keys
 * and versions it must reconcile. Kind and apiVersion are kept because a delete found by a relist
 * carries the cached object, and a generic resource without them is no longer a ServiceEntry.
 */
final class CompactStores {
  private CompactStores() {}

  /** The informer, with its cache replaced by a {@link #store compact store}. */
  static <T extends HasMetadata> SharedIndexInformer<T> compact(
      SharedIndexInformer<T> informer, Class<T> type, KubernetesSerialization serialization) {
    return informer.itemStore(store(type, serialization));
  }

  static <T extends HasMetadata> ItemStore<T> store(Class<T> type, KubernetesSerialization serialization) {
    return new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, type, serialization,
        "apiVersion", "kind", "metadata.labels");
  }
}
