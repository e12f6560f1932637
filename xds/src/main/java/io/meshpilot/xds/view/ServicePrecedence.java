package io.meshpilot.xds.view;

import io.meshpilot.registry.model.RegistryKind;
import io.meshpilot.registry.model.Service;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which service a proxy gets when several namespaces offer one hostname: the one in its own
 * namespace, then a Kubernetes service over a ServiceEntry, then the oldest (istiod's rule both for
 * exportTo visibility and for a Sidecar's imports).
 */
final class ServicePrecedence {
  private ServicePrecedence() {}

  /** One service per hostname from candidates sorted oldest first, the result sorted by hostname. */
  static List<Service> onePerHostname(List<Service> oldestFirst, String namespace) {
    Map<String, Service> chosen = new LinkedHashMap<>();
    for (Service service : oldestFirst) {
      chosen.merge(service.hostname(), service, (current, other) -> preferred(current, other, namespace));
    }
    List<Service> result = new ArrayList<>(chosen.values());
    result.sort(Comparator.comparing(Service::hostname));
    return List.copyOf(result);
  }

  private static Service preferred(Service current, Service other, String namespace) {
    boolean currentLocal = current.attributes().namespace().equals(namespace);
    boolean otherLocal = other.attributes().namespace().equals(namespace);
    if (currentLocal != otherLocal) {
      return currentLocal ? current : other;
    }
    boolean currentKube = current.attributes().registry() == RegistryKind.KUBERNETES;
    boolean otherKube = other.attributes().registry() == RegistryKind.KUBERNETES;
    if (currentKube != otherKube) {
      return currentKube ? current : other;
    }
    return current; // the older one
  }
}
