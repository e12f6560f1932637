package io.meshpilot.registry.serviceentry;

import io.meshpilot.registry.model.RegistryKind;
import io.meshpilot.registry.model.Service;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * istiod's push-time service index (reference §5.3): when several services share a hostname in one
 * namespace, the oldest wins, except that a Kubernetes service always displaces a ServiceEntry one
 * (so a ServiceEntry cannot squat on a Kubernetes hostname).
 */
public final class HostnameConflicts {
  /** creationTime, then Attributes.Name, Namespace and ObjectName: istiod's order plus its tie-breaker. */
  static final Comparator<Service> AGE_ORDER = Comparator
      .comparing(Service::creationTime)
      .thenComparing(s -> s.attributes().name())
      .thenComparing(s -> s.attributes().namespace())
      .thenComparing(s -> s.attributes().objectName());

  private HostnameConflicts() {}

  /**
   * Keeps one service per (hostname, namespace).
   *
   * @param services every service of every registry
   * @return the kept services, oldest first ({@link #AGE_ORDER}, stable)
   */
  public static List<Service> resolve(List<Service> services) {
    List<Service> sorted = new ArrayList<>(services);
    sorted.sort(AGE_ORDER);
    Map<List<String>, Service> chosen = new LinkedHashMap<>();
    for (Service s : sorted) {
      List<String> key = List.of(s.hostname(), s.attributes().namespace());
      Service existing = chosen.get(key);
      if (existing == null || (existing.attributes().registry() != RegistryKind.KUBERNETES
          && s.attributes().registry() == RegistryKind.KUBERNETES)) {
        chosen.put(key, s);
      }
    }
    Set<Service> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    kept.addAll(chosen.values());
    return sorted.stream().filter(kept::contains).toList();
  }
}
