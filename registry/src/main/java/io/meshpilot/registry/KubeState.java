package io.meshpilot.registry;

import io.meshpilot.registry.MeshRegistry.ChangeSet;
import io.meshpilot.registry.kube.KubeEndpointBuilder;
import io.meshpilot.registry.kube.NodeInfo;
import io.meshpilot.registry.kube.PodInfo;
import io.meshpilot.registry.kube.PodLookup;
import io.meshpilot.registry.kube.SliceInfo;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.Service;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The Kubernetes half of the registry: converted Services plus compact EndpointSlice, Pod and Node
 * projections, with the indexes that tell which services' endpoints a pod or node change touches.
 * Endpoints are built lazily per service and cached until one of their inputs changes. Not
 * thread-safe: {@link MeshRegistry} holds its lock around every call.
 */
final class KubeState {
  private final RegistryConfig config;
  private final Map<ObjectKey, Service> services = new HashMap<>();
  private final Map<String, ObjectKey> serviceByHostname = new HashMap<>();
  private final Map<ObjectKey, SliceInfo> slices = new HashMap<>();
  /** "namespace/serviceName" → keys of its slices (EndpointSlices or the Endpoints object). */
  private final Map<String, Set<ObjectKey>> slicesByService = new HashMap<>();
  private final Map<ObjectKey, PodInfo> pods = new HashMap<>();
  private final Map<String, Set<ObjectKey>> podsByNamespace = new HashMap<>();
  private final Map<String, ObjectKey> podsByIp = new HashMap<>();
  private final Map<String, NodeInfo> nodes = new HashMap<>();
  /** "namespace/podName" or an IP → the slices that reference it. */
  private final Map<String, Set<ObjectKey>> slicesByWorkloadRef = new HashMap<>();
  private final Map<String, List<Endpoint>> endpointCache = new HashMap<>();
  private List<Service> sortedView;

  KubeState(RegistryConfig config) {
    this.config = config;
  }

  void putService(ObjectKey key, Service service, ChangeSet changes) {
    Service previous = services.put(key, service);
    if (service.equals(previous)) {
      return;
    }
    serviceByHostname.put(service.hostname(), key);
    endpointCache.remove(serviceRef(key.namespace(), key.name()));
    sortedView = null;
    changes.service(service.hostname());
  }

  void removeService(ObjectKey key, ChangeSet changes) {
    Service previous = services.remove(key);
    if (previous == null) {
      return;
    }
    serviceByHostname.remove(previous.hostname(), key);
    endpointCache.remove(serviceRef(key.namespace(), key.name()));
    sortedView = null;
    changes.service(previous.hostname());
  }

  void putSlice(ObjectKey key, Optional<SliceInfo> slice, ChangeSet changes) {
    if (slice.isEmpty()) {
      removeSlice(key, changes); // FQDN or MCS slices are not used; a slice that became one is gone
      return;
    }
    SliceInfo info = slice.get();
    SliceInfo previous = slices.put(key, info);
    if (info.equals(previous)) {
      return;
    }
    if (previous != null) {
      unindexSlice(key, previous, changes);
    }
    String ref = serviceRef(info.namespace(), info.serviceName());
    slicesByService.computeIfAbsent(ref, r -> new HashSet<>()).add(key);
    for (String workloadRef : workloadRefs(info)) {
      slicesByWorkloadRef.computeIfAbsent(workloadRef, r -> new HashSet<>()).add(key);
    }
    endpointsChanged(ref, changes);
  }

  void removeSlice(ObjectKey key, ChangeSet changes) {
    SliceInfo previous = slices.remove(key);
    if (previous != null) {
      unindexSlice(key, previous, changes);
    }
  }

  private void unindexSlice(ObjectKey key, SliceInfo previous, ChangeSet changes) {
    String ref = serviceRef(previous.namespace(), previous.serviceName());
    Set<ObjectKey> keys = slicesByService.get(ref);
    if (keys != null) {
      keys.remove(key);
      if (keys.isEmpty()) {
        slicesByService.remove(ref);
      }
    }
    for (String workloadRef : workloadRefs(previous)) {
      Set<ObjectKey> referencing = slicesByWorkloadRef.get(workloadRef);
      if (referencing != null && referencing.remove(key) && referencing.isEmpty()) {
        slicesByWorkloadRef.remove(workloadRef);
      }
    }
    endpointsChanged(ref, changes);
  }

  void putPod(ObjectKey key, PodInfo pod, ChangeSet changes) {
    PodInfo previous = pods.put(key, pod);
    if (pod.equals(previous)) {
      return;
    }
    podsByNamespace.computeIfAbsent(key.namespace(), n -> new HashSet<>()).add(key);
    if (previous != null) {
      previous.ips().forEach(ip -> podsByIp.remove(ip, key));
      podChanged(key, previous, changes);
    }
    pod.ips().forEach(ip -> podsByIp.put(ip, key));
    podChanged(key, pod, changes);
  }

  void removePod(ObjectKey key, ChangeSet changes) {
    PodInfo previous = pods.remove(key);
    if (previous == null) {
      return;
    }
    Set<ObjectKey> inNamespace = podsByNamespace.get(key.namespace());
    if (inNamespace != null) {
      inNamespace.remove(key);
    }
    previous.ips().forEach(ip -> podsByIp.remove(ip, key));
    podChanged(key, previous, changes);
  }

  private void podChanged(ObjectKey key, PodInfo pod, ChangeSet changes) {
    List<String> refs = new ArrayList<>(pod.ips());
    refs.add(key.namespace() + "/" + key.name());
    for (String ref : refs) {
      for (ObjectKey sliceKey : slicesByWorkloadRef.getOrDefault(ref, Set.of())) {
        SliceInfo slice = slices.get(sliceKey);
        if (slice != null) {
          endpointsChanged(serviceRef(slice.namespace(), slice.serviceName()), changes);
        }
      }
    }
  }

  void putNode(NodeInfo node, ChangeSet changes) {
    NodeInfo previous = nodes.put(node.name(), node);
    if (!node.equals(previous)) {
      nodeChanged(node.name(), changes);
    }
  }

  void removeNode(String name, ChangeSet changes) {
    if (nodes.remove(name) != null) {
      nodeChanged(name, changes);
    }
  }

  private void nodeChanged(String nodeName, ChangeSet changes) {
    // Node changes are rare (labels); a scan of the slices is cheaper than another index.
    for (SliceInfo slice : slices.values()) {
      boolean onNode = slice.endpoints().stream().anyMatch(e -> nodeName.equals(e.nodeName()))
          || slice.endpoints().stream().anyMatch(e -> podOnNode(slice.namespace(), e, nodeName));
      if (onNode) {
        endpointsChanged(serviceRef(slice.namespace(), slice.serviceName()), changes);
      }
    }
  }

  private boolean podOnNode(String namespace, SliceInfo.SliceEndpoint endpoint, String nodeName) {
    if (endpoint.podName() == null || endpoint.podName().isEmpty()) {
      return false;
    }
    PodInfo pod = pods.get(new ObjectKey("Pod", namespace, endpoint.podName()));
    return pod != null && nodeName.equals(pod.nodeName());
  }

  private void endpointsChanged(String serviceRef, ChangeSet changes) {
    endpointCache.remove(serviceRef);
    int slash = serviceRef.indexOf('/');
    changes.endpoints(hostname(serviceRef.substring(0, slash), serviceRef.substring(slash + 1)));
  }

  /** Services sorted by hostname (istiod's order within one Kubernetes registry). */
  List<Service> servicesByHostname() {
    if (sortedView == null) {
      sortedView = services.values().stream().sorted(Comparator.comparing(Service::hostname)).toList();
    }
    return sortedView;
  }

  /** The endpoints of a Kubernetes service, or {@code null} when there is no such service. */
  List<Endpoint> endpoints(String hostname, String namespace) {
    ObjectKey key = serviceByHostname.get(hostname);
    if (key == null || !key.namespace().equals(namespace)) {
      return null;
    }
    Service service = services.get(key);
    String ref = serviceRef(key.namespace(), key.name());
    return endpointCache.computeIfAbsent(ref, r -> buildEndpoints(service, r));
  }

  private List<Endpoint> buildEndpoints(Service service, String ref) {
    Collection<SliceInfo> serviceSlices = slicesByService.getOrDefault(ref, Set.of()).stream()
        .sorted()
        .map(slices::get)
        .filter(Objects::nonNull)
        .toList();
    return List.copyOf(KubeEndpointBuilder.build(service, serviceSlices, podLookup(), this::node, config));
  }

  PodLookup podLookup() {
    return new PodLookup() {
      @Override
      public Optional<PodInfo> byName(String namespace, String name) {
        return Optional.ofNullable(pods.get(new ObjectKey("Pod", namespace, name)));
      }

      @Override
      public Optional<PodInfo> byIp(String ip) {
        ObjectKey key = podsByIp.get(ip);
        return key == null ? Optional.empty() : Optional.ofNullable(pods.get(key));
      }
    };
  }

  Optional<NodeInfo> node(String name) {
    return name == null ? Optional.empty() : Optional.ofNullable(nodes.get(name));
  }

  /** A pod's locality label, from its own label or its node. */
  String locality(PodInfo pod) {
    return KubeEndpointBuilder.podLocality(pod, this::node);
  }

  /** The pods of one namespace, sorted by name. */
  List<PodInfo> podsIn(String namespace) {
    return podsByNamespace.getOrDefault(namespace, Set.of()).stream()
        .sorted()
        .map(pods::get)
        .filter(Objects::nonNull)
        .toList();
  }

  /** Every pod ("namespace/name") and address a slice's endpoints point at. */
  private static Set<String> workloadRefs(SliceInfo slice) {
    Set<String> refs = new HashSet<>();
    for (SliceInfo.SliceEndpoint endpoint : slice.endpoints()) {
      refs.addAll(endpoint.addresses());
      if (endpoint.podName() != null && !endpoint.podName().isEmpty()) {
        refs.add(slice.namespace() + "/" + endpoint.podName());
      }
    }
    return refs;
  }

  /** How many pod and address references are indexed (tests: the index must not outgrow the slices). */
  int indexedWorkloadRefs() {
    return slicesByWorkloadRef.size();
  }

  private String hostname(String namespace, String name) {
    return config.serviceHostname(namespace, name);
  }

  private static String serviceRef(String namespace, String name) {
    return namespace + "/" + name;
  }
}
