package io.meshpilot.xds.view;

import io.meshpilot.registry.model.RegistryKind;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.networking.IstioConfig;
import io.meshpilot.registry.networking.Sidecar;
import io.meshpilot.registry.networking.TrafficConfigs;
import io.meshpilot.xds.OutboundTrafficPolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The Sidecar scopes of one push (istiod's sidecarIndex and getSidecarScope). A proxy gets, in
 * this order: the oldest Sidecar in its namespace whose workloadSelector matches its labels, the
 * namespace's Sidecar without selector, the root namespace's Sidecar without selector, else the
 * default scope (everything exportTo lets it see). Each scope is converted once per push and shared
 * by every proxy of its namespace that resolves to the same Sidecar.
 */
final class SidecarScopes {
  private final String version;
  private final OutboundTrafficPolicy meshPolicy;
  // candidates a config namespace may import: every service exported to it, oldest first
  private final Function<String, List<Service>> exportedTo;
  // the VirtualServices a config namespace may use, in istiod's order
  private final Function<String, List<MeshVirtualService>> virtualServices;
  // per namespace: Sidecars with a selector first (oldest first), then those without
  private final Map<String, List<IstioConfig<Sidecar>>> byNamespace = new HashMap<>();
  private final Optional<IstioConfig<Sidecar>> root;
  private final Map<SidecarScope.Id, SidecarScope> scopes = new ConcurrentHashMap<>();
  private final Map<Workload, SidecarScope> byWorkload = new ConcurrentHashMap<>();
  private final Set<String> selectorNamespaces = new HashSet<>();

  private record Workload(String namespace, Map<String, String> labels) {}

  SidecarScopes(TrafficConfigs configs, String rootNamespace, OutboundTrafficPolicy meshPolicy, String version,
      Function<String, List<Service>> exportedTo, Function<String, List<MeshVirtualService>> virtualServices) {
    this.meshPolicy = meshPolicy;
    this.version = version;
    this.exportedTo = exportedTo;
    this.virtualServices = virtualServices;
    List<IstioConfig<Sidecar>> ordered = new ArrayList<>(configs.sidecars());
    ordered.sort(IstioConfig.ISTIO_ORDER);
    ordered.stream().filter(SidecarScopes::selecting).forEach(c -> {
      byNamespace.computeIfAbsent(c.namespace(), n -> new ArrayList<>()).add(c);
      selectorNamespaces.add(c.namespace());
    });
    ordered.stream().filter(c -> !selecting(c))
        .forEach(c -> byNamespace.computeIfAbsent(c.namespace(), n -> new ArrayList<>()).add(c));
    this.root = ordered.stream().filter(c -> c.namespace().equals(rootNamespace) && !selecting(c)).findFirst();
  }

  /** True when a Sidecar of this namespace has a workload selector. */
  boolean selectsByLabels(String namespace) {
    return selectorNamespaces.contains(namespace);
  }

  /** The scope of a proxy in this config namespace with these workload labels. */
  SidecarScope of(String namespace, Map<String, String> labels) {
    // labels matter only in a namespace with a selecting Sidecar: elsewhere its proxies share one entry
    Map<String, String> selected = selectsByLabels(namespace) ? labels : Map.of();
    return byWorkload.computeIfAbsent(new Workload(namespace, selected), w -> {
      Optional<IstioConfig<Sidecar>> config = resolve(namespace, selected);
      SidecarScope.Id id = new SidecarScope.Id(namespace, config.map(c -> c.meta().key()));
      return scopes.computeIfAbsent(id, i -> convert(config, namespace));
    });
  }

  private Optional<IstioConfig<Sidecar>> resolve(String namespace, Map<String, String> labels) {
    for (IstioConfig<Sidecar> config : byNamespace.getOrDefault(namespace, List.of())) {
      if (!selecting(config) || labels.entrySet().containsAll(config.spec().workloadSelector().selector().entrySet())) {
        return Optional.of(config); // selectors come first, so the first match is the one
      }
    }
    return root;
  }

  private static boolean selecting(IstioConfig<Sidecar> config) {
    return config.spec().workloadSelector() != null;
  }

  /**
   * istiod's convertToSidecarScope: imports per egress listener, then their union, to which each
   * listener adds the destinations of the VirtualServices it selects (clusters only: the
   * listener's own routes and listeners keep its imports).
   */
  private SidecarScope convert(Optional<IstioConfig<Sidecar>> config, String namespace) {
    List<Sidecar.EgressListener> listeners = config.map(c -> c.spec().egress()).orElse(List.of());
    List<SidecarScope.Egress> egress = new ArrayList<>();
    if (listeners.isEmpty()) {
      // no egress (or no Sidecar): one catch-all listener importing */*
      egress.add(egress(Optional.empty(), List.of("*/*"), namespace));
    } else {
      listeners.forEach(l -> egress.add(egress(Optional.of(l), l.hosts(), namespace)));
    }
    List<ScopedServices> imports = new ArrayList<>();
    for (SidecarScope.Egress e : egress) {
      imports.add(e.services());
      imports.add(VirtualServiceDestinations.services(e, namespace, exportedTo.apply(namespace)));
    }
    ScopedServices union = union(imports);
    OutboundTrafficPolicy policy = config.map(c -> c.spec().outboundTrafficPolicy())
        .map(SidecarScopes::mode)
        .orElse(meshPolicy);
    return new SidecarScope(new SidecarScope.Id(namespace, config.map(c -> c.meta().key())),
        config.map(IstioConfig::name).orElse(SidecarScope.DEFAULT_NAME), config, version, egress, union,
        union.byHostname(), policy, config.map(c -> c.spec().ingress()).orElse(List.of()));
  }

  /** An unset mode is Istio's enum default, REGISTRY_ONLY, as istiod reads a policy the Sidecar sets. */
  private static OutboundTrafficPolicy mode(Sidecar.OutboundTrafficPolicy policy) {
    return "ALLOW_ANY".equals(policy.mode()) ? OutboundTrafficPolicy.ALLOW_ANY : OutboundTrafficPolicy.REGISTRY_ONLY;
  }

  private SidecarScope.Egress egress(Optional<Sidecar.EgressListener> listener, List<String> hosts, String namespace) {
    EgressHosts imports = EgressHosts.parse(hosts, namespace);
    SidecarScope.Egress shape = new SidecarScope.Egress(listener, ScopedServices.NONE, List.of());
    List<Service> imported = new ArrayList<>();
    for (Service service : exportedTo.apply(namespace)) {
      if (imports.imports(service)
          && (shape.port().isEmpty() || service.port(shape.port().getAsInt()).isPresent())) {
        imported.add(service);
      }
    }
    List<Service> chosen = ServicePrecedence.onePerHostname(imported, namespace);
    Map<String, Set<Integer>> ports = new HashMap<>();
    if (shape.port().isPresent()) {
      chosen.forEach(s -> ports.put(s.hostname(), Set.of(shape.port().getAsInt())));
    }
    List<MeshVirtualService> selected = virtualServices.apply(namespace).stream().filter(imports::selects).toList();
    return new SidecarScope.Egress(listener, new ScopedServices(chosen, ports), selected);
  }

  /**
   * The services of every import in order, the first one's choice kept for a hostname (a Kubernetes
   * service replaces a ServiceEntry, as istiod's appendSidecarServices does); one service imported
   * several times keeps the ports of all of them.
   */
  private static ScopedServices union(List<ScopedServices> imports) {
    Map<String, Service> chosen = new LinkedHashMap<>();
    Map<String, Set<Integer>> ports = new HashMap<>();
    Set<String> allPorts = new HashSet<>();
    for (ScopedServices imported : imports) {
      for (Service service : imported.services()) {
        String hostname = service.hostname();
        Set<Integer> kept = imported.ports().get(hostname);
        Service existing = chosen.get(hostname);
        if (existing == null || (existing.attributes().registry() != RegistryKind.KUBERNETES
            && service.attributes().registry() == RegistryKind.KUBERNETES)) {
          chosen.put(hostname, service);
          ports.remove(hostname);
          allPorts.remove(hostname);
        } else if (existing != service) {
          continue;
        }
        if (kept == null) {
          allPorts.add(hostname);
        } else {
          ports.computeIfAbsent(hostname, h -> new HashSet<>()).addAll(kept);
        }
      }
    }
    allPorts.forEach(ports::remove);
    List<Service> services = new ArrayList<>(chosen.values());
    services.sort(Comparator.comparing(Service::hostname));
    return new ScopedServices(services, ports);
  }

}
