package io.meshpilot.xds.why;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.meshpilot.registry.HostnameChanges;
import io.meshpilot.registry.ObjectChange;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.Rejection;
import io.meshpilot.registry.ServiceRegistry;
import io.meshpilot.registry.model.RegistryKind;
import io.meshpilot.registry.model.Service;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.dump.ConfigDumpBuilder;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.push.PushHistory;
import io.meshpilot.xds.push.PushRecord;
import io.meshpilot.xds.server.ProxyHoldings;
import io.meshpilot.xds.server.ResourceSet;
import io.meshpilot.xds.server.ResourceSource;
import io.meshpilot.xds.server.XdsType;
import io.meshpilot.xds.view.PushContext;
import io.meshpilot.xds.why.WhyReport.ChangeKind;
import io.meshpilot.xds.why.WhyReport.PushStage;
import io.meshpilot.xds.why.WhyReport.Reach;
import io.meshpilot.xds.why.WhyReport.RegistryStage;
import io.meshpilot.xds.why.WhyReport.RegistryStatus;
import io.meshpilot.xds.why.WhyReport.SourceObject;
import io.meshpilot.xds.why.WhyReport.TypeStage;
import io.meshpilot.xds.why.WhyReport.VisibilityStage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Answers {@code meshpilot why <proxy> <hostname>}: reads each stage's owner — the registry's last
 * change per hostname, the current push context, the push history, the connection's sent and
 * ACKed versions — and generates the proxy's config now to tell which resources are the
 * hostname's and whether the proxy has their current versions.
 */
public final class ChangeTracer {
  private final ServiceRegistry registry;
  private final MeshSettings settings;
  private final Supplier<PushContext> context;
  private final ResourceSource source;
  private final PushHistory pushes;

  /**
   * @param context the push context proxies are served from now
   * @param source what the ADS server sends (the same instances and versions)
   */
  public ChangeTracer(ServiceRegistry registry, MeshSettings settings, Supplier<PushContext> context,
      ResourceSource source, PushHistory pushes) {
    this.registry = registry;
    this.settings = settings;
    this.context = context;
    this.source = source;
    this.pushes = pushes;
  }

  /** Where the hostname's last change stands for the proxy of this connection. */
  public WhyReport trace(ProxyHoldings holdings, String hostname) {
    Proxy proxy = holdings.sync().proxy();
    RegistryStage registryStage = registryStage(hostname);
    Config config = config(proxy, holdings, hostname);
    boolean visible = context.get().service(proxy, hostname).isPresent();
    VisibilityStage visibility = new VisibilityStage(visible, visibilityReason(proxy, registryStage, visible),
        config.clusters, config.listeners, config.routes);
    List<PushStage> pushStages = new ArrayList<>();
    HostnameChanges changes = registryStage.changes();
    changes.service().ifPresent(c -> pushStages.add(pushStage(ChangeKind.SERVICE, c, hostname, holdings, visible)));
    changes.endpoints().ifPresent(c -> pushStages.add(pushStage(ChangeKind.ENDPOINTS, c, hostname, holdings, visible)));
    Predicate<String> clusterOf = name -> HostnameResources.isClusterOf(name, hostname);
    List<TypeStage> proxyStages = List.of(
        ProxyStages.of(XdsType.CLUSTER, config.cds, config.clusters, clusterOf, holdings),
        ProxyStages.of(XdsType.ENDPOINT, config.eds, config.edsNames, clusterOf, holdings),
        ProxyStages.of(XdsType.LISTENER, config.lds, config.listeners, name -> false, holdings),
        ProxyStages.of(XdsType.ROUTE, config.rds, config.routes, name -> false, holdings));
    return new WhyReport(hostname, proxy.id(), holdings.sync().connectionId(), registryStage, visibility,
        pushStages, proxyStages);
  }

  /** The proxy's config now, and the names in it that are the hostname's. */
  private record Config(ResourceSet cds, ResourceSet eds, ResourceSet lds, ResourceSet rds, List<String> clusters,
      List<String> edsNames, List<String> listeners, List<String> routes) {}

  private Config config(Proxy proxy, ProxyHoldings holdings, String hostname) {
    ResourceSet cds = source.generate(proxy, XdsType.CLUSTER, watched(holdings, XdsType.CLUSTER));
    List<Cluster> clusters = HostnameResources.clusters(cds.messages(), hostname);
    ResourceSet lds = source.generate(proxy, XdsType.LISTENER, watched(holdings, XdsType.LISTENER));
    List<Listener> listeners = lds.messages().stream().map(Listener.class::cast).toList();
    Set<String> routeNames = new HashSet<>(ConfigDumpBuilder.routeNames(listeners));
    routeNames.addAll(watched(holdings, XdsType.ROUTE));
    ResourceSet rds = source.generate(proxy, XdsType.ROUTE, routeNames);
    List<String> routes = rds.messages().stream()
        .map(RouteConfiguration.class::cast)
        .filter(r -> HostnameResources.mentions(r, hostname))
        .map(RouteConfiguration::getName)
        .toList();
    Set<String> routeSet = Set.copyOf(routes);
    Set<String> edsNames = ConfigDumpBuilder.edsNames(clusters);
    ResourceSet eds = source.generate(proxy, XdsType.ENDPOINT, edsNames);
    return new Config(cds, eds, lds, rds, clusters.stream().map(Cluster::getName).toList(), List.copyOf(edsNames),
        listeners.stream().filter(l -> HostnameResources.leadsTo(l, hostname, routeSet)).map(Listener::getName).toList(),
        routes);
  }

  private static Set<String> watched(ProxyHoldings holdings, XdsType type) {
    return holdings.sync().type(type).watchedNames();
  }

  private RegistryStage registryStage(String hostname) {
    HostnameChanges changes = registry.changes(hostname).orElse(HostnameChanges.NONE);
    List<SourceObject> objects = registry.services().stream()
        .filter(s -> s.hostname().equals(hostname))
        .map(s -> sourceObject(s, changes))
        .toList();
    List<Rejection> rejections = changes.rejection()
        .map(r -> registry.rejections().stream().filter(x -> x.object().equals(r.object())).toList())
        .orElse(List.of());
    RegistryStatus status = !objects.isEmpty() ? RegistryStatus.KNOWN
        : !rejections.isEmpty() ? RegistryStatus.REJECTED : RegistryStatus.UNKNOWN;
    return new RegistryStage(status, objects, changes, rejections);
  }

  private SourceObject sourceObject(Service service, HostnameChanges changes) {
    boolean kube = service.attributes().registry() == RegistryKind.KUBERNETES;
    ObjectKey key = new ObjectKey(kube ? "Service" : "ServiceEntry", service.attributes().namespace(),
        kube ? service.attributes().name() : service.attributes().objectName());
    // ServiceEntry services carry no resourceVersion; the last change of that object has it
    String resourceVersion = !service.resourceVersion().isEmpty() ? service.resourceVersion()
        : changes.service().filter(c -> c.object().equals(key)).map(ObjectChange::resourceVersion).orElse("");
    List<String> exportTo = service.attributes().exportTo().isEmpty() ? settings.defaultServiceExportTo()
        : service.attributes().exportTo().stream().sorted().toList();
    return new SourceObject(key, service.attributes().registry().wireName(), resourceVersion, exportTo);
  }

  /**
   * Why the proxy sees the hostname or not. Visibility itself is the push context's decision
   * ({@link PushContext#service}); this only explains it. When Sidecar egress scoping narrows
   * {@code PushContext.services(proxy)}, name the Sidecar that hides the hostname here.
   */
  private static String visibilityReason(Proxy proxy, RegistryStage registry, boolean visible) {
    String namespace = proxy.namespace();
    if (registry.objects().isEmpty()) {
      return "not in the registry";
    }
    List<String> exports = registry.objects().stream()
        .map(o -> o.object() + " exportTo " + o.exportTo())
        .toList();
    return (visible ? "exported to namespace " : "not exported to namespace ") + namespace + ": "
        + String.join("; ", exports);
  }

  private PushStage pushStage(ChangeKind kind, ObjectChange change, String hostname, ProxyHoldings holdings,
      boolean visible) {
    Optional<PushRecord> push = pushes.firstCarrying(hostname, change.at(), kind == ChangeKind.SERVICE);
    if (push.isEmpty()) {
      return new PushStage(kind, change, push, Reach.NOT_PUSHED,
          "no push has begun since the change (debounce window still open, or the push is being prepared)");
    }
    PushRecord record = push.get();
    if (!holdings.sync().connectedAt().isBefore(record.startedAt())) {
      return new PushStage(kind, change, push, Reach.CONNECTED_AFTER,
          "the proxy connected after push " + record.version() + " began and got the state of then");
    }
    Optional<Instant> lastPush = holdings.lastPush().filter(t -> !t.isBefore(record.startedAt()));
    if (lastPush.isPresent()) {
      return new PushStage(kind, change, push, Reach.REACHED,
          "push " + record.version() + " reached the proxy at " + lastPush.get());
    }
    return new PushStage(kind, change, push, Reach.NOT_REACHED, visible
        ? "push " + record.version() + " has not reached the proxy yet (push queue, PILOT_PUSH_THROTTLE)"
        : "push " + record.version() + " left the proxy out: the hostname is not visible to it");
  }
}
