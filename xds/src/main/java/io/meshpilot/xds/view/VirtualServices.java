package io.meshpilot.xds.view;

import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.networking.Destination;
import io.meshpilot.registry.networking.IstioConfig;
import io.meshpilot.registry.networking.TrafficConfigs;
import io.meshpilot.registry.networking.VirtualService;
import io.meshpilot.registry.networking.VirtualService.HttpMirrorPolicy;
import io.meshpilot.registry.networking.VirtualService.HttpRoute;
import io.meshpilot.registry.networking.VirtualService.HttpRouteDestination;
import io.meshpilot.registry.networking.VirtualService.RouteDestination;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VirtualServices bound to the {@code mesh} gateway, as sidecars see them (istiod's
 * {@code virtualServiceIndex} for the mesh gateway): built once per {@link TrafficConfigs}, with
 * short names completed in each VirtualService's namespace and delegates merged into their roots.
 * A VirtualService with no hosts is a delegate: it is used only through a root. One bound only to
 * other gateways is left out. Per namespace, the visible ones come in istiod's order: private to the
 * namespace, exported to it, then public; each group oldest first.
 */
public final class VirtualServices {
  private static final Logger LOG = LoggerFactory.getLogger(VirtualServices.class);
  /** The gateway name that stands for every sidecar. */
  public static final String MESH_GATEWAY = "mesh";

  public static final VirtualServices NONE = new VirtualServices(List.of());

  private final List<MeshVirtualService> all;
  private final List<Map<String, String>> sourceSelectors;
  private final Map<String, List<MeshVirtualService>> byNamespace = new ConcurrentHashMap<>();

  private VirtualServices(List<MeshVirtualService> all) {
    this.all = List.copyOf(all);
    Set<Map<String, String>> selectors = new LinkedHashSet<>();
    for (MeshVirtualService vs : all) {
      vs.spec().http().forEach(h -> h.match().forEach(m -> addSelector(selectors, m.sourceLabels())));
      vs.spec().tcp().forEach(t -> t.match().forEach(m -> addSelector(selectors, m.sourceLabels())));
      vs.spec().tls().forEach(t -> t.match().forEach(m -> addSelector(selectors, m.sourceLabels())));
    }
    this.sourceSelectors = List.copyOf(selectors);
  }

  private static void addSelector(Set<Map<String, String>> selectors, Map<String, String> labels) {
    if (!labels.isEmpty()) {
      selectors.add(labels);
    }
  }

  /**
   * The mesh VirtualServices of these configs.
   *
   * @param defaultExportTo MeshConfig {@code defaultVirtualServiceExportTo}
   */
  public static VirtualServices of(TrafficConfigs configs, String domainSuffix, List<String> defaultExportTo) {
    if (configs.virtualServices().isEmpty()) {
      return NONE;
    }
    Map<ObjectKey, MeshVirtualService> delegates = new HashMap<>();
    for (IstioConfig<VirtualService> config : configs.virtualServices()) {
      if (config.spec().hosts().isEmpty()) {
        delegates.put(config.meta().key(), resolve(config, domainSuffix, defaultExportTo));
      }
    }
    List<MeshVirtualService> roots = new ArrayList<>();
    for (IstioConfig<VirtualService> config : configs.virtualServices()) {
      if (!config.spec().hosts().isEmpty() && boundToMesh(config.spec())) {
        MeshVirtualService root = resolve(config, domainSuffix, defaultExportTo);
        roots.add(withDelegates(root, delegates));
      }
    }
    return new VirtualServices(roots);
  }

  private static boolean boundToMesh(VirtualService spec) {
    return spec.gateways().isEmpty() || spec.gateways().contains(MESH_GATEWAY);
  }

  /**
   * The VirtualServices a sidecar whose config namespace is {@code namespace} may use, in istiod's
   * order (the first one for a host wins it).
   */
  public List<MeshVirtualService> visibleFrom(String namespace) {
    if (all.isEmpty()) {
      return List.of();
    }
    return byNamespace.computeIfAbsent(namespace, ns -> {
      List<MeshVirtualService> privateOnes = new ArrayList<>();
      List<MeshVirtualService> exported = new ArrayList<>();
      List<MeshVirtualService> publicOnes = new ArrayList<>();
      for (MeshVirtualService vs : all) {
        if (vs.exportTo().contains("*")) {
          publicOnes.add(vs);
        } else if (vs.exportTo().contains(ns)) {
          (vs.namespace().equals(ns) ? privateOnes : exported).add(vs);
        }
      }
      List<MeshVirtualService> out = new ArrayList<>(privateOnes);
      out.addAll(exported);
      out.addAll(publicOnes);
      return List.copyOf(out);
    });
  }

  /**
   * True when the VirtualService with this key shapes the routes of proxies in this namespace: it is
   * a root visible there, or a delegate of one.
   */
  public boolean shapes(ObjectKey key, String namespace) {
    return all.stream().anyMatch(vs -> (vs.meta().key().equals(key) || vs.delegates().contains(key))
        && vs.visibleIn(namespace));
  }

  /** True when there is no mesh VirtualService at all. */
  public boolean isEmpty() {
    return all.isEmpty();
  }

  /**
   * The distinct {@code sourceLabels} of every match: which of them a proxy's labels satisfy is all
   * its labels decide about its routes.
   */
  public List<Map<String, String>> sourceSelectors() {
    return sourceSelectors;
  }

  /** The selectors among {@link #sourceSelectors} that these workload labels satisfy. */
  public List<Map<String, String>> selectorsMatching(Map<String, String> labels) {
    if (sourceSelectors.isEmpty()) {
      return List.of();
    }
    return sourceSelectors.stream().filter(s -> labels.entrySet().containsAll(s.entrySet())).toList();
  }

  private static MeshVirtualService resolve(IstioConfig<VirtualService> config, String domainSuffix,
      List<String> defaultExportTo) {
    String ns = config.namespace();
    VirtualService spec = config.spec();
    VirtualService resolved = new VirtualService(
        spec.hosts().stream().map(h -> HostNames.fqdn(h, ns, domainSuffix)).toList(),
        spec.gateways(),
        spec.http().stream().map(h -> resolve(h, ns, domainSuffix)).toList(),
        spec.tls().stream().map(t -> new VirtualService.TlsRoute(t.match(), resolveL4(t.route(), ns, domainSuffix)))
            .toList(),
        spec.tcp().stream().map(t -> new VirtualService.TcpRoute(t.match(), resolveL4(t.route(), ns, domainSuffix)))
            .toList(),
        spec.exportTo());
    List<String> exportTo = spec.exportTo().isEmpty() ? defaultExportTo : spec.exportTo();
    Set<String> effective = new LinkedHashSet<>();
    for (String e : exportTo) {
      effective.add(e.equals(".") ? ns : e);
    }
    if (effective.contains("~")) {
      effective = Set.of("~");
    }
    return new MeshVirtualService(config.meta(), resolved, effective, List.of());
  }

  private static HttpRoute resolve(HttpRoute h, String ns, String suffix) {
    return new HttpRoute(h.name(), h.match(),
        h.route().stream().map(d -> new HttpRouteDestination(resolve(d.destination(), ns, suffix), d.weight(),
            d.headers())).toList(),
        h.redirect(), h.directResponse(), h.delegate(), h.rewrite(), h.timeout(), h.retries(), h.fault(),
        resolve(h.mirror(), ns, suffix), h.mirrorPercentage(), h.mirrorPercent(),
        h.mirrors().stream().map(m -> new HttpMirrorPolicy(resolve(m.destination(), ns, suffix), m.percentage()))
            .toList(),
        h.corsPolicy(), h.headers());
  }

  private static List<RouteDestination> resolveL4(List<RouteDestination> route, String ns, String suffix) {
    return route.stream().map(d -> new RouteDestination(resolve(d.destination(), ns, suffix), d.weight())).toList();
  }

  private static Destination resolve(Destination d, String ns, String suffix) {
    if (d == null || d.host() == null) {
      return d;
    }
    return new Destination(HostNames.fqdn(d.host(), ns, suffix), d.subset(), d.port());
  }

  /** The root with each delegating HTTP route replaced by the delegate's routes merged with it. */
  private static MeshVirtualService withDelegates(MeshVirtualService root, Map<ObjectKey, MeshVirtualService> delegates) {
    VirtualService spec = root.spec();
    if (spec.http().stream().noneMatch(h -> h.delegate() != null)) {
      return root;
    }
    List<HttpRoute> merged = new ArrayList<>();
    List<ObjectKey> used = new ArrayList<>();
    for (HttpRoute http : spec.http()) {
      if (http.delegate() == null) {
        merged.add(http);
        continue;
      }
      String ns = http.delegate().namespace() == null || http.delegate().namespace().isEmpty()
          ? root.namespace() : http.delegate().namespace();
      ObjectKey key = new ObjectKey(root.meta().key().kind(), ns, http.delegate().name());
      used.add(key);
      MeshVirtualService delegate = delegates.get(key);
      if (delegate == null) {
        LOG.warn("VirtualService {}/{}: delegate {} not found; its route is skipped", root.namespace(), root.name(),
            key.namespacedName());
        continue;
      }
      if (!delegate.visibleIn(root.namespace())) {
        LOG.warn("VirtualService {}/{}: delegate {} is not exported to {}; its route is skipped", root.namespace(),
            root.name(), key.namespacedName(), root.namespace());
        continue;
      }
      merged.addAll(DelegateRoutes.merge(http, delegate.spec().http()));
    }
    return new MeshVirtualService(root.meta(), new VirtualService(spec.hosts(), spec.gateways(), merged, spec.tls(),
        spec.tcp(), spec.exportTo()), root.exportTo(), used);
  }
}
