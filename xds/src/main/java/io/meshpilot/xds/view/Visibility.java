package io.meshpilot.xds.view;

import io.meshpilot.registry.model.Service;
import java.util.List;
import java.util.Set;

/** exportTo rules (reference istio-xds.md §8.1): which namespaces may see a service. */
final class Visibility {
  private Visibility() {}

  /** True when a proxy whose config namespace is {@code namespace} may see the service. */
  static boolean visible(Service service, String namespace, List<String> defaultExportTo) {
    Set<String> exportTo = service.attributes().exportTo();
    Iterable<String> effective = exportTo.isEmpty() ? defaultExportTo : exportTo;
    for (String entry : effective) {
      if (entry.equals("*") || entry.equals(namespace)) {
        return true;
      }
      if (entry.equals(".") && service.attributes().namespace().equals(namespace)) {
        return true;
      }
    }
    return false;
  }
}
