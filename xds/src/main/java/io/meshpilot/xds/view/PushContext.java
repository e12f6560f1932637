package io.meshpilot.xds.view;

import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.ServiceRegistry;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.model.RegistryKind;
import io.meshpilot.registry.model.Resolution;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.networking.TrafficConfigs;
import io.meshpilot.registry.serviceentry.HostnameConflicts;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.cache.Ref;
import io.meshpilot.xds.cache.XdsCache;
import io.meshpilot.xds.proxy.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
 * push sees the same services; per-namespace results are computed once and shared, and lookups by
 * hostname or namespace are indexed. It also carries the resource cache that outlives it.
 *
 * <p>An endpoints-only push does not snapshot the services again (istiod serves such a push from
 * its current PushContext): {@link #withEndpointChanges} keeps everything derived from services
 * and Istio configs (Sidecar scopes, exportTo, the rule indexes) and forgets only the changed
 * hostnames' endpoints, so the push costs what changed.
 */
public final class PushContext {
  private final ServiceRegistry registry;
  private final String version;
  private final Services services;
  private final Map<ServiceKey, Map<String, List<Endpoint>>> endpointsByService;
  // The hostnames whose endpoints changed since the context this one was derived from (null: built anew).
  private final EndpointChanges endpointChanges;
  // Each proxy's own endpoint, looked up once per push (only when something asks: locality load balancing).
  private final Map<Ref<Proxy>, Optional<Endpoint>> ownEndpoints = new ConcurrentHashMap<>();
  private volatile Set<String> headlessAddresses;

  /**
   * How a context derived by {@link #withEndpointChanges} differs from the one it came from.
   *
   * @param fromVersion the version of the context it was derived from
   * @param hostnames the hostnames whose endpoints may differ
   */
  public record EndpointChanges(String fromVersion, Set<String> hostnames) {}

  /** A service by what identifies it in the registry (a hostname may exist in several namespaces). */
  private record ServiceKey(String namespace, String hostname) {}

  /** The endpoints of a service grouped by port name depend only on its shard lists (by identity). */
  private record GroupedEndpointsKey(List<Ref<List<Endpoint>>> shards) {}

  /** The DestinationRule index depends on the accepted configs (by identity) and the mesh settings. */
  private record DestinationRulesKey(Ref<TrafficConfigs> configs, MeshSettings settings) {}

  /** The mesh VirtualServices depend only on the registry's config snapshot (by identity) and mesh defaults. */
  private record VirtualServicesKey(Ref<TrafficConfigs> configs, String domainSuffix, List<String> defaultExportTo) {}

  /** A workload: the pods of one Deployment share namespace and labels. */
  private record Workload(String namespace, Map<String, String> labels) {}

  /** Whether a changed DestinationRule shapes a Sidecar scope: asked once per scope, not per proxy. */
  private record RuleInScope(ObjectKey rule, SidecarScope.Id scope) {}

  /**
   * Everything a context derives from the services and Istio configs of its snapshot and not from
   * endpoints: shared by the contexts of endpoints-only pushes.
   */
  private static final class Services {
    final MeshSettings settings;
    final XdsCache cache;
    final List<Service> indexed;
    final int total;
    final Set<String> passthroughHostnames;
    final boolean trafficDistribution;
    final TrafficConfigs traffic;
    final Map<String, List<Service>> exportedTo = new ConcurrentHashMap<>();
    // Kubernetes services with a selector, by namespace: the candidates for a proxy's own targets.
    final Map<String, List<Service>> selectingByNamespace;
    // The services selecting a workload.
    final Map<Workload, List<Service>> selectingWorkload = new ConcurrentHashMap<>();
    final Map<RuleInScope, Boolean> ruleShapesScope = new ConcurrentHashMap<>();
    final SidecarScopes sidecarScopes;
    volatile DestinationRules destinationRules;
    volatile VirtualServices virtualServices;

    Services(ServiceRegistry registry, MeshSettings settings, String version, XdsCache cache) {
      this.settings = settings;
      this.cache = cache;
      List<Service> all = registry.services();
      this.traffic = registry.trafficConfigs();
      this.total = all.size();
      this.passthroughHostnames = all.stream()
          .filter(s -> s.resolution() == Resolution.PASSTHROUGH)
          .map(Service::hostname)
          .collect(Collectors.toUnmodifiableSet());
      // one service per (hostname, namespace): oldest wins, Kubernetes beats ServiceEntry (§5.3)
      this.indexed = HostnameConflicts.resolve(all);
      this.trafficDistribution = indexed.stream().anyMatch(s -> s.attributes().trafficDistribution() != 0);
      Map<String, List<Service>> selecting = new HashMap<>();
      for (Service service : indexed) {
        if (service.attributes().registry() == RegistryKind.KUBERNETES
            && !service.attributes().labelSelectors().isEmpty()) {
          selecting.computeIfAbsent(service.attributes().namespace(), n -> new ArrayList<>()).add(service);
        }
      }
      this.selectingByNamespace = selecting;
      this.sidecarScopes = new SidecarScopes(traffic, settings.rootNamespace(), settings.outboundTrafficPolicy(),
          version, this::exportedTo, ns -> virtualServices().visibleFrom(ns));
    }

    /** Every service exported to the namespace (several may share a hostname), oldest first. */
    List<Service> exportedTo(String namespace) {
      return exportedTo.computeIfAbsent(namespace, n -> indexed.stream()
          .filter(s -> Visibility.visible(s, n, settings.defaultServiceExportTo()))
          .sorted(Comparator.comparing(Service::creationTime))
          .toList());
    }

    VirtualServices virtualServices() {
      VirtualServices index = virtualServices;
      if (index == null) {
        index = cache.get(new VirtualServicesKey(Ref.to(traffic), settings.domainSuffix(),
                settings.defaultVirtualServiceExportTo()),
            () -> VirtualServices.of(traffic, settings.domainSuffix(), settings.defaultVirtualServiceExportTo()));
        virtualServices = index;
      }
      return index;
    }

    DestinationRules destinationRules() {
      DestinationRules rules = destinationRules;
      if (rules == null) {
        rules = traffic.destinationRules().isEmpty() ? DestinationRules.EMPTY
            : cache.get(new DestinationRulesKey(Ref.to(traffic), settings), () -> DestinationRules.of(traffic, settings));
        destinationRules = rules;
      }
      return rules;
    }

    List<Service> selecting(String namespace, Map<String, String> labels) {
      return selectingWorkload.computeIfAbsent(new Workload(namespace, labels), workload ->
          selectingByNamespace.getOrDefault(namespace, List.of()).stream()
              .filter(s -> labels.entrySet().containsAll(s.attributes().labelSelectors().entrySet()))
              .toList());
    }
  }

  private PushContext(ServiceRegistry registry, String version, Services services,
      Map<ServiceKey, Map<String, List<Endpoint>>> endpoints, EndpointChanges endpointChanges) {
    this.registry = registry;
    this.version = version;
    this.services = services;
    this.endpointsByService = endpoints;
    this.endpointChanges = endpointChanges;
  }

  /** Snapshots the registry's services now, with no resource cache (every resource is built). */
  public static PushContext create(ServiceRegistry registry, MeshSettings settings, String version) {
    return create(registry, settings, version, XdsCache.disabled());
  }

  /** Snapshots the registry's services now; generators reuse what {@code cache} holds from earlier pushes. */
  public static PushContext create(ServiceRegistry registry, MeshSettings settings, String version,
      XdsCache cache) {
    return new PushContext(registry, version, new Services(registry, settings, version, cache),
        new ConcurrentHashMap<>(), null);
  }

  /**
   * The context of an endpoints-only push: this one's services, Sidecar scopes and config indexes
   * (what the proxies' clusters, listeners and routes were built from), with the endpoints of the
   * changed hostnames read from the registry again.
   */
  public PushContext withEndpointChanges(Set<String> hostnames, String nextVersion) {
    Map<ServiceKey, Map<String, List<Endpoint>>> kept = new ConcurrentHashMap<>(endpointsByService);
    kept.keySet().removeIf(key -> hostnames.contains(key.hostname()));
    return new PushContext(registry, nextVersion, services, kept, new EndpointChanges(version, Set.copyOf(hostnames)));
  }

  /** For a context from {@link #withEndpointChanges}: what changed since the one it came from. */
  public Optional<EndpointChanges> endpointChanges() {
    return Optional.ofNullable(endpointChanges);
  }

  /**
   * The VirtualServices bound to the mesh gateway, built once per config snapshot: pushes that did
   * not change a VirtualService, DestinationRule or Sidecar share one index.
   */
  public VirtualServices virtualServices() {
    return services.virtualServices();
  }

  /** The resource cache shared by every push. */
  public XdsCache cache() {
    return services.cache;
  }

  /** The push version, {@code <RFC3339>/<counter>} as istiod writes it. */
  public String version() {
    return version;
  }

  public MeshSettings settings() {
    return services.settings;
  }

  /** The DestinationRules, VirtualServices and Sidecars accepted when this context was built. */
  public TrafficConfigs trafficConfigs() {
    return services.traffic;
  }

  /** The DestinationRule index of this push, built once per set of accepted configs. */
  public DestinationRules destinationRules() {
    return services.destinationRules();
  }

  /**
   * True when the DestinationRule {@code rule} shapes the outbound config of the proxies of this
   * scope in this push (see {@link DestinationRules#shapes}); answered once per scope.
   */
  public boolean destinationRuleShapes(ObjectKey rule, SidecarScope scope) {
    return services.ruleShapesScope.computeIfAbsent(new RuleInScope(rule, scope.id()),
        k -> destinationRules().shapes(rule, scope));
  }

  /**
   * True when the DestinationRule {@code rule} lends its connection pool to the inbound cluster of
   * one of the services selecting the proxy (see {@link DestinationRules#forInbound}).
   */
  public boolean destinationRuleShapesInbound(ObjectKey rule, Proxy proxy) {
    return selecting(proxy.namespace(), proxy.labels()).stream()
        .anyMatch(service -> destinationRules().shapesInbound(rule, service));
  }

  /** The DestinationRule that applies to the service for this proxy, if any. */
  public Optional<AppliedDestinationRule> destinationRule(Proxy proxy, Service service) {
    return destinationRules().forProxy(proxy.namespace(), proxy.labels(), service);
  }

  /**
   * True when some service prefers close endpoints ({@code trafficDistribution}): its endpoints are
   * then ordered by closeness to each proxy.
   */
  public boolean trafficDistribution() {
    return services.trafficDistribution;
  }

  /** How many services the registry held when this context was built. */
  public int totalServices() {
    return services.total;
  }

  /** Hostnames of headless (Passthrough) services: their endpoints shape listeners, not just EDS. */
  public Set<String> passthroughHostnames() {
    return services.passthroughHostnames;
  }

  /** True when a Sidecar in this namespace selects workloads by labels: its proxies' scopes then differ. */
  public boolean sidecarSelectsByLabels(String namespace) {
    return services.sidecarScopes.selectsByLabels(namespace);
  }

  /**
   * What the proxy may see and accept: the scope of the Sidecar that applies to it, or the default
   * scope (everything exportTo lets its namespace see).
   */
  public SidecarScope sidecarScope(Proxy proxy) {
    return services.sidecarScopes.of(proxy.namespace(), proxy.labels());
  }

  /**
   * The services the proxy may see (its Sidecar scope within exportTo), one per hostname, sorted by
   * hostname. When several namespaces export one hostname, the proxy's own namespace wins, then a
   * Kubernetes service over a ServiceEntry, then the oldest.
   */
  public List<Service> services(Proxy proxy) {
    return sidecarScope(proxy).services().services();
  }

  /** The visible service with this hostname, if any. */
  public Optional<Service> service(Proxy proxy, String hostname) {
    return sidecarScope(proxy).service(hostname);
  }

  /**
   * Addresses of the endpoints of headless (Passthrough) services: a proxy at one of them gets
   * per-endpoint listeners that leave its own address out, so its listeners are its own.
   */
  public Set<String> headlessEndpointAddresses() {
    Set<String> addresses = headlessAddresses;
    if (addresses == null) {
      Set<String> found = new HashSet<>();
      for (Service service : services.indexed) {
        if (service.resolution() == Resolution.PASSTHROUGH) {
          for (Port port : service.ports()) {
            endpoints(service, port).forEach(e -> found.add(e.address()));
          }
        }
      }
      addresses = Set.copyOf(found);
      headlessAddresses = addresses;
    }
    return addresses;
  }

  /** The endpoints of one service port (joined by port name), from every registry shard. */
  public List<Endpoint> endpoints(Service service, Port port) {
    Map<String, List<Endpoint>> byPortName = endpointsByService.computeIfAbsent(
        new ServiceKey(service.attributes().namespace(), service.hostname()), key -> groupByPortName(service));
    return byPortName.getOrDefault(port.name(), List.of());
  }

  /**
   * Grouped once per set of shard lists, across pushes: the registry keeps a service's endpoint
   * lists until they change, so the grouped lists keep their identity too and the resources built
   * from them stay cached.
   */
  private Map<String, List<Endpoint>> groupByPortName(Service service) {
    List<List<Endpoint>> shards = List.copyOf(
        registry.endpointShards(service.hostname(), service.attributes().namespace()).values());
    GroupedEndpointsKey key = new GroupedEndpointsKey(shards.stream().map(Ref::to).toList());
    return services.cache.get(key, () -> {
      Map<String, List<Endpoint>> byPortName = new LinkedHashMap<>();
      shards.forEach(shard -> shard.forEach(
          e -> byPortName.computeIfAbsent(e.servicePortName(), n -> new ArrayList<>()).add(e)));
      byPortName.replaceAll((name, list) -> List.copyOf(list));
      return Map.copyOf(byPortName);
    });
  }

  /**
   * The proxy's own service ports: Kubernetes services in its namespace whose selector matches its
   * labels, with the target port taken from the proxy's endpoint (else the service port).
   */
  public List<ServiceTarget> serviceTargets(Proxy proxy) {
    List<ServiceTarget> targets = new ArrayList<>();
    for (Service service : selecting(proxy.namespace(), proxy.labels())) {
      for (Port port : service.ports()) {
        int targetPort = endpointAt(proxy, service, port).map(Endpoint::endpointPort).orElse(port.port());
        targets.add(new ServiceTarget(service, port, targetPort));
      }
    }
    return List.copyOf(targets);
  }

  /**
   * The proxy's workload as the registry knows it: the endpoint at one of its addresses among the
   * services selecting it, whose locality and topology labels come from the pod and its node (what
   * istiod reads from the proxy's pod); empty when no service selects it.
   */
  public Optional<Endpoint> ownEndpoint(Proxy proxy) {
    return ownEndpoints.computeIfAbsent(Ref.to(proxy), p -> {
      for (Service service : selecting(proxy.namespace(), proxy.labels())) {
        for (Port port : service.ports()) {
          Optional<Endpoint> own = endpointAt(proxy, service, port);
          if (own.isPresent()) {
            return own;
          }
        }
      }
      return Optional.empty();
    });
  }

  /** The endpoint of the service port at one of the proxy's addresses. */
  private Optional<Endpoint> endpointAt(Proxy proxy, Service service, Port port) {
    return endpoints(service, port).stream().filter(e -> proxy.instanceIps().contains(e.address())).findFirst();
  }

  private List<Service> selecting(String namespace, Map<String, String> labels) {
    return services.selecting(namespace, labels);
  }
}
