package io.meshpilot.xds.view;

import io.meshpilot.registry.ServiceRegistry;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.model.RegistryKind;
import io.meshpilot.registry.model.Resolution;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.serviceentry.HostnameConflicts;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.proxy.Proxy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * An immutable view of the registry for one push (istiod's PushContext): the services each proxy
 * may see, one per hostname, and their endpoints. Generators read only this, so every proxy in a
 * push sees the same services; per-namespace results are computed once and shared.
 */
public final class PushContext {
  private final ServiceRegistry registry;
  private final MeshSettings settings;
  private final String version;
  private final List<Service> indexed;
  private final int totalServices;
  private final Set<String> passthroughHostnames;
  private final Map<String, List<Service>> byNamespace = new ConcurrentHashMap<>();
  private final Map<String, Map<String, List<Endpoint>>> endpointsByService = new ConcurrentHashMap<>();

  private PushContext(ServiceRegistry registry, MeshSettings settings, String version) {
    this.registry = registry;
    this.settings = settings;
    this.version = version;
    List<Service> all = registry.services();
    this.totalServices = all.size();
    this.passthroughHostnames = all.stream()
        .filter(s -> s.resolution() == Resolution.PASSTHROUGH)
        .map(Service::hostname)
        .collect(Collectors.toUnmodifiableSet());
    // one service per (hostname, namespace): oldest wins, Kubernetes beats ServiceEntry (§5.3)
    this.indexed = HostnameConflicts.resolve(all);
  }

  /** Snapshots the registry's services now. */
  public static PushContext create(ServiceRegistry registry, MeshSettings settings, String version) {
    return new PushContext(registry, settings, version);
  }

  /** The push version, {@code <RFC3339>/<counter>} as istiod writes it. */
  public String version() {
    return version;
  }

  public MeshSettings settings() {
    return settings;
  }

  /** How many services the registry held when this context was built. */
  public int totalServices() {
    return totalServices;
  }

  /** Hostnames of headless (Passthrough) services: their endpoints shape listeners, not just EDS. */
  public Set<String> passthroughHostnames() {
    return passthroughHostnames;
  }

  /**
   * The services the proxy may see (exportTo), one per hostname, sorted by hostname. When several
   * namespaces export one hostname, the proxy's own namespace wins, then a Kubernetes service over a
   * ServiceEntry, then the oldest (istio-xds.md §8.2).
   */
  public List<Service> services(Proxy proxy) {
    return byNamespace.computeIfAbsent(proxy.namespace(), this::visibleFrom);
  }

  /** The visible service with this hostname, if any. */
  public Optional<Service> service(Proxy proxy, String hostname) {
    return services(proxy).stream().filter(s -> s.hostname().equals(hostname)).findFirst();
  }

  private List<Service> visibleFrom(String namespace) {
    Map<String, Service> chosen = new LinkedHashMap<>();
    List<Service> candidates = indexed.stream()
        .filter(s -> Visibility.visible(s, namespace, settings.defaultServiceExportTo()))
        .sorted(Comparator.comparing(Service::creationTime))
        .toList();
    for (Service service : candidates) {
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

  /** The endpoints of one service port (joined by port name), from every registry shard. */
  public List<Endpoint> endpoints(Service service, Port port) {
    Map<String, List<Endpoint>> byPortName = endpointsByService.computeIfAbsent(
        service.attributes().namespace() + "/" + service.hostname(), key -> groupByPortName(service));
    return byPortName.getOrDefault(port.name(), List.of());
  }

  private Map<String, List<Endpoint>> groupByPortName(Service service) {
    Map<String, List<Endpoint>> byPortName = new LinkedHashMap<>();
    registry.endpointShards(service.hostname(), service.attributes().namespace()).values()
        .forEach(shard -> shard.forEach(e -> byPortName.computeIfAbsent(e.servicePortName(), n -> new ArrayList<>()).add(e)));
    byPortName.replaceAll((name, list) -> List.copyOf(list));
    return byPortName;
  }

  /**
   * The proxy's own service ports: Kubernetes services in its namespace whose selector matches its
   * labels, with the target port taken from the proxy's endpoint (else the service port).
   */
  public List<ServiceTarget> serviceTargets(Proxy proxy) {
    List<ServiceTarget> targets = new ArrayList<>();
    for (Service service : indexed) {
      Map<String, String> selector = service.attributes().labelSelectors();
      if (service.attributes().registry() != RegistryKind.KUBERNETES
          || !service.attributes().namespace().equals(proxy.namespace())
          || selector.isEmpty()
          || !proxy.labels().entrySet().containsAll(selector.entrySet())) {
        continue;
      }
      for (Port port : service.ports()) {
        int targetPort = endpoints(service, port).stream()
            .filter(e -> proxy.instanceIps().contains(e.address()))
            .mapToInt(Endpoint::endpointPort)
            .findFirst()
            .orElse(port.port());
        targets.add(new ServiceTarget(service, port, targetPort));
      }
    }
    return List.copyOf(targets);
  }
}
