package io.meshpilot.xds.view;

import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.networking.ConfigMeta;
import io.meshpilot.registry.networking.VirtualService;
import java.util.List;
import java.util.Set;

/**
 * A VirtualService as sidecars use it (istiod's merged VirtualService): hosts and destinations
 * completed to FQDNs in its namespace, delegate routes merged into the root's, and its effective
 * exportTo. Value-equal when its routing is equal, so route caches keyed by it survive pushes that
 * did not change it.
 *
 * @param exportTo namespaces it is visible in ({@code *} for all, {@code ~} for none), {@code .} resolved
 * @param delegates the delegate VirtualServices its routes name (found or not): a change to one of
 *     them changes this one
 */
public record MeshVirtualService(ConfigMeta meta, VirtualService spec, Set<String> exportTo,
    List<ObjectKey> delegates) {
  public MeshVirtualService {
    exportTo = Set.copyOf(exportTo);
    delegates = List.copyOf(delegates);
  }

  public String name() {
    return meta.name();
  }

  public String namespace() {
    return meta.namespace();
  }

  /** True when proxies whose config namespace is {@code namespace} may use it. */
  public boolean visibleIn(String namespace) {
    return exportTo.contains("*") || exportTo.contains(namespace);
  }
}
