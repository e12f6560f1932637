package io.meshpilot.registry;

import io.meshpilot.registry.MeshRegistry.ChangeSet;
import io.meshpilot.registry.kube.PodInfo;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.Resolution;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.serviceentry.SelectedWorkload;
import io.meshpilot.registry.serviceentry.ServiceEntry;
import io.meshpilot.registry.serviceentry.ServiceEntryConverter;
import io.meshpilot.registry.serviceentry.VipAutoAllocator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ServiceEntry half of the registry: the last valid version of each entry, the services it
 * converts to (with auto-allocated VIPs, which depend on the whole set) and their endpoints, built
 * lazily per (namespace, hostname). Not thread-safe: {@link MeshRegistry} holds its lock.
 */
final class ServiceEntryState {
  /** istiod's deterministic order for External services: creation time, hostname, namespace, name. */
  static final Comparator<Service> REGISTRY_ORDER = Comparator.comparing(Service::creationTime)
      .thenComparing(Service::hostname)
      .thenComparing(s -> s.attributes().namespace())
      .thenComparing(s -> s.attributes().objectName());

  private static final Comparator<ServiceEntry> CREATION_ORDER = Comparator.comparing(ServiceEntry::creationTime)
      .thenComparing(ServiceEntry::namespace)
      .thenComparing(ServiceEntry::name);

  private final RegistryConfig config;
  private final KubeState kube;
  private final Map<ObjectKey, ServiceEntry> entries = new HashMap<>();
  private final Map<ObjectKey, List<Service>> converted = new HashMap<>();
  private final Map<HostInNamespace, List<Endpoint>> endpointCache = new HashMap<>();

  /** A ServiceEntry host as the endpoints of one namespace's entries are merged for it. */
  private record HostInNamespace(String namespace, String hostname) {}
  private final Map<ObjectKey, SelectedWorkload> workloadEntries = new HashMap<>();
  private List<Service> view = List.of();

  ServiceEntryState(RegistryConfig config, KubeState kube) {
    this.config = config;
    this.kube = kube;
  }

  void put(ObjectKey key, ServiceEntry entry, ChangeSet changes) {
    ServiceEntry previous = entries.put(key, entry);
    if (entry.equals(previous)) {
      return;
    }
    converted.put(key, ServiceEntryConverter.services(entry, config));
    entryChanged(previous, changes);
    entryChanged(entry, changes);
    rebuildView(changes);
  }

  void remove(ObjectKey key, ChangeSet changes) {
    ServiceEntry previous = entries.remove(key);
    if (previous == null) {
      return;
    }
    converted.remove(key);
    entryChanged(previous, changes);
    rebuildView(changes);
  }

  /** Adds or replaces a WorkloadEntry; the entries of its namespace that select workloads are rebuilt. */
  void putWorkloadEntry(ObjectKey key, SelectedWorkload entry, ChangeSet changes) {
    SelectedWorkload previous = workloadEntries.put(key, entry);
    if (!entry.equals(previous)) {
      workloadsChanged(key.namespace(), changes);
    }
  }

  void removeWorkloadEntry(ObjectKey key, ChangeSet changes) {
    if (workloadEntries.remove(key) != null) {
      workloadsChanged(key.namespace(), changes);
    }
  }

  /**
   * A pod or WorkloadEntry in this namespace changed: entries with a workloadSelector there may
   * select it.
   */
  void workloadsChanged(String namespace, ChangeSet changes) {
    for (ServiceEntry entry : entries.values()) {
      if (entry.namespace().equals(namespace) && entry.workloadSelector().isPresent()) {
        for (String host : entry.hosts()) {
          endpointCache.remove(new HostInNamespace(namespace, host));
          changes.endpoints(host);
        }
      }
    }
  }

  List<Service> services() {
    return view;
  }

  /** The merged endpoints of every entry with this host in this namespace, or {@code null} if none. */
  List<Endpoint> endpoints(String hostname, String namespace) {
    HostInNamespace cacheKey = new HostInNamespace(namespace, hostname);
    List<Endpoint> cached = endpointCache.get(cacheKey);
    if (cached != null) {
      return cached;
    }
    List<ServiceEntry> owners = entries.values().stream()
        .filter(e -> e.namespace().equals(namespace) && e.hosts().contains(hostname))
        .sorted(CREATION_ORDER)
        .toList();
    if (owners.isEmpty()) {
      return null;
    }
    List<SelectedWorkload> workloads = null;
    List<Endpoint> merged = new ArrayList<>();
    Resolution resolution = null;
    for (ServiceEntry owner : owners) {
      Service service = converted.get(keyOf(owner)).stream()
          .filter(s -> s.hostname().equals(hostname))
          .findFirst()
          .orElse(null);
      if (service == null) {
        continue; // every address of this entry was invalid: it produced no services
      }
      if (owner.workloadSelector().isPresent() && workloads == null) {
        workloads = workloads(namespace);
      }
      resolution = resolution == null ? service.resolution() : resolution;
      merged.addAll(ServiceEntryConverter.endpoints(owner, service, workloads == null ? List.of() : workloads, config));
    }
    if (resolution == Resolution.DNS_ROUND_ROBIN_LB) {
      merged = firstPerPort(merged);
    }
    List<Endpoint> result = List.copyOf(merged);
    endpointCache.put(cacheKey, result);
    return result;
  }

  private static List<Endpoint> firstPerPort(List<Endpoint> endpoints) {
    Set<String> seen = new HashSet<>();
    return endpoints.stream().filter(e -> seen.add(e.servicePortName())).toList();
  }

  private List<SelectedWorkload> workloads(String namespace) {
    List<SelectedWorkload> result = new ArrayList<>();
    for (PodInfo pod : kube.podsIn(namespace)) {
      if (pod.ips().isEmpty()) {
        continue;
      }
      result.add(new SelectedWorkload("Pod", pod.namespace(), pod.name(), pod.ips().get(0), pod.labels(),
          pod.serviceAccountName(), pod.namedPorts(), kube.locality(pod),
          pod.labels().getOrDefault("topology.istio.io/network", ""), pod.nodeName(), pod.ready(), 0));
    }
    workloadEntries.values().stream().filter(w -> w.namespace().equals(namespace)).forEach(result::add);
    return result;
  }

  private void entryChanged(ServiceEntry entry, ChangeSet changes) {
    if (entry == null) {
      return;
    }
    for (String host : entry.hosts()) {
      endpointCache.remove(new HostInNamespace(entry.namespace(), host));
      changes.service(host);
    }
  }

  private void rebuildView(ChangeSet changes) {
    List<Service> ordered = new ArrayList<>();
    converted.values().forEach(ordered::addAll);
    ordered.sort(REGISTRY_ORDER);
    List<Service> allocated = List.copyOf(VipAutoAllocator.allocate(ordered));
    // Auto-allocated VIPs of other entries can move when the set changes (istiod's V1 scheme).
    Set<Service> before = new HashSet<>(view);
    Set<Service> after = new HashSet<>(allocated);
    for (Service s : allocated) {
      if (!before.contains(s)) changes.service(s.hostname());
    }
    for (Service s : view) {
      if (!after.contains(s)) changes.service(s.hostname());
    }
    view = allocated;
  }

  private static ObjectKey keyOf(ServiceEntry entry) {
    return new ObjectKey("ServiceEntry", entry.namespace(), entry.name());
  }
}
