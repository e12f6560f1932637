package io.meshpilot.registry;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.meshpilot.registry.kube.KubeServiceConverter;
import io.meshpilot.registry.kube.NodeInfo;
import io.meshpilot.registry.kube.PodInfo;
import io.meshpilot.registry.kube.SliceInfo;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.networking.IstioKind;
import io.meshpilot.registry.networking.StoredConfig;
import io.meshpilot.registry.networking.TrafficConfigs;
import io.meshpilot.registry.serviceentry.ServiceEntry;
import io.meshpilot.registry.serviceentry.ServiceEntryParser;
import io.meshpilot.registry.serviceentry.ServiceEntryValidator;
import io.meshpilot.registry.serviceentry.WorkloadEntryParser;
import io.meshpilot.registry.traffic.ParsedConfig;
import io.meshpilot.registry.traffic.TrafficConfigParser;
import io.meshpilot.registry.traffic.TrafficConfigValidator;
import io.meshpilot.registry.validation.Validation;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory service registry: sources write Kubernetes objects, ServiceEntries and Istio traffic
 * configs here ({@link ObjectSink}); xds and debug-http read services, endpoints and traffic configs
 * ({@link ServiceRegistry}).
 *
 * <p>Objects are turned into compact projections on arrival ({@link KubeState} for Services,
 * EndpointSlices, Pods and Nodes; {@link ServiceEntryState} for ServiceEntries; {@link
 * TrafficConfigState} for DestinationRules, VirtualServices and Sidecars) and the full objects are
 * dropped. An object that cannot be converted or fails validation is recorded as a {@link
 * Rejection}; for Kubernetes kinds and ServiceEntries the last good version of that object stays in
 * effect, while a traffic config is dropped, as istiod drops it. Every mutation tells the listeners
 * which hostnames changed, separating service changes from endpoint-only changes, and which
 * configs changed.
 */
public final class MeshRegistry implements ServiceRegistry, ObjectSink {
  private static final Logger log = LoggerFactory.getLogger(MeshRegistry.class);

  private final RegistryConfig config;
  private final Clock clock;
  private final KubeState kube;
  private final ServiceEntryState serviceEntries;
  private final TrafficConfigState traffic = new TrafficConfigState();
  // (object, field) pairs already warned about, so a relist or an unrelated edit does not repeat them
  private final Set<UnknownField> warnedUnknownFields = ConcurrentHashMap.newKeySet();
  // guarded by this
  private Map<ObjectKey, ObjectKey> reportedShadowedSidecars = Map.of();
  private final Map<ObjectKey, Rejection> rejections = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> rejectionCounts = new ConcurrentHashMap<>();
  private final Set<String> pendingSources = ConcurrentHashMap.newKeySet();
  private final List<RegistryListener> listeners = new CopyOnWriteArrayList<>();
  private final HostnameHistory history = new HostnameHistory();

  public MeshRegistry(RegistryConfig config) {
    this(config, Clock.systemUTC());
  }

  MeshRegistry(RegistryConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.kube = new KubeState(config);
    this.serviceEntries = new ServiceEntryState(config, kube);
  }

  /** The conversion settings this registry was built with. */
  public RegistryConfig config() {
    return config;
  }

  // ---- ObjectSink -------------------------------------------------------------------------

  @Override
  public void upsert(String source, HasMetadata object) {
    if (object == null || object.getMetadata() == null || object.getMetadata().getName() == null) {
      log.warn("ignoring object without metadata.name from {}", source);
      return;
    }
    ObjectKey key = ObjectKey.of(object);
    ObjectChange cause = cause(source, key, object, ObjectChange.Action.UPSERT);
    ChangeSet changes = new ChangeSet();
    try {
      synchronized (this) {
        switch (object) {
          case io.fabric8.kubernetes.api.model.Service svc ->
              kube.putService(key, KubeServiceConverter.convert(svc, config), changes);
          case EndpointSlice slice -> kube.putSlice(key, SliceInfo.from(slice), changes);
          case Endpoints endpoints -> kube.putSlice(key, Optional.of(SliceInfo.from(endpoints)), changes);
          case Pod pod -> {
            kube.putPod(key, PodInfo.from(pod), changes);
            serviceEntries.workloadsChanged(key.namespace(), changes);
          }
          case Node node -> kube.putNode(NodeInfo.from(node), changes);
          case GenericKubernetesResource resource when isServiceEntry(resource) ->
              putServiceEntry(source, key, resource, changes, cause);
          case GenericKubernetesResource resource when isWorkloadEntry(resource) -> {
            serviceEntries.putWorkloadEntry(key, WorkloadEntryParser.parse(resource), changes);
            traffic.storeRegistryConfig(TrafficConfigParser.stored(IstioKind.WORKLOAD_ENTRY, resource, source));
          }
          case GenericKubernetesResource resource when trafficKind(resource).isPresent() ->
              putTrafficConfig(source, key, trafficKind(resource).get(), resource, changes);
          default -> {
            log.debug("ignoring {} from {}: kind not used by the registry", key, source);
            return;
          }
        }
      }
      if (!key.kind().equals(IstioKind.SIDECAR.kind()) || !isShadowed(key)) {
        clearRejection(key);
      }
    } catch (InvalidObjectException e) {
      if (object instanceof io.fabric8.kubernetes.api.model.Service) {
        history.rejected(List.of(config.serviceHostname(key.namespace(), key.name())), cause);
      }
      reject(source, key, e.getMessage());
    } catch (RuntimeException e) {
      // A converter bug must not take the source down; the object is reported like invalid input.
      log.warn("rejected {} from {}: conversion failed: {}", key, source, e.toString());
      recordRejection(source, key, "conversion failed: " + e);
    }
    if (key.kind().equals(IstioKind.SIDECAR.kind())) {
      reportShadowedSidecars();
    }
    publish(changes, cause);
  }

  /**
   * Parses, validates and stores a DestinationRule, VirtualService or Sidecar. An invalid version
   * replaces the accepted one by nothing: istiod's API server would refuse it (webhook and schema),
   * and istiod's file-based config source drops a config that fails validation rather than keep its
   * last version, so meshpilot does the same for both sources.
   */
  private void putTrafficConfig(String source, ObjectKey key, IstioKind kind, GenericKubernetesResource resource,
      ChangeSet changes) throws InvalidObjectException {
    try {
      ParsedConfig<?> parsed = TrafficConfigParser.parse(kind, resource, source);
      for (String field : parsed.unknownFields()) {
        if (warnedUnknownFields.add(new UnknownField(key, field))) {
          log.warn("{} from {}: ignoring unknown field {}", key, source, field);
        }
      }
      Validation validation = TrafficConfigValidator.validate(parsed.config());
      if (!validation.valid()) {
        throw new InvalidObjectException(String.join("; ", validation.errors()));
      }
      for (String warning : validation.warnings()) {
        log.info("{} from {}: warning: {}", key, source, warning);
      }
      traffic.put(parsed.config(), parsed.stored(), changes);
    } catch (InvalidObjectException e) {
      traffic.remove(key, changes);
      throw e;
    }
  }

  /** A spec field of one object that meshpilot does not know. */
  private record UnknownField(ObjectKey object, String field) {}

  private void putServiceEntry(String source, ObjectKey key, GenericKubernetesResource resource, ChangeSet changes,
      ObjectChange cause) throws InvalidObjectException {
    ServiceEntry entry = ServiceEntryParser.parse(resource);
    Validation validation = ServiceEntryValidator.validate(entry);
    if (!validation.valid()) {
      history.rejected(entry.hosts(), cause);
      throw new InvalidObjectException(String.join("; ", validation.errors()));
    }
    for (String warning : validation.warnings()) {
      log.info("ServiceEntry {} from {}: warning: {}", key.namespacedName(), source, warning);
    }
    serviceEntries.put(key, entry, changes);
    traffic.storeRegistryConfig(TrafficConfigParser.stored(IstioKind.SERVICE_ENTRY, resource, source));
  }

  @Override
  public void delete(String source, HasMetadata object) {
    if (object == null || object.getMetadata() == null || object.getMetadata().getName() == null) {
      return;
    }
    ObjectKey key = ObjectKey.of(object);
    ObjectChange cause = cause(source, key, object, ObjectChange.Action.DELETE);
    ChangeSet changes = new ChangeSet();
    synchronized (this) {
      switch (object) {
        case io.fabric8.kubernetes.api.model.Service svc -> kube.removeService(key, changes);
        case EndpointSlice slice -> kube.removeSlice(key, changes);
        case Endpoints endpoints -> kube.removeSlice(key, changes);
        case Pod pod -> {
          kube.removePod(key, changes);
          serviceEntries.workloadsChanged(key.namespace(), changes);
        }
        case Node node -> kube.removeNode(key.name(), changes);
        case GenericKubernetesResource resource when isServiceEntry(resource) -> {
          serviceEntries.remove(key, changes);
          traffic.removeRegistryConfig(key);
        }
        case GenericKubernetesResource resource when isWorkloadEntry(resource) -> {
          serviceEntries.removeWorkloadEntry(key, changes);
          traffic.removeRegistryConfig(key);
        }
        case GenericKubernetesResource resource when trafficKind(resource).isPresent() -> {
          traffic.remove(key, changes);
          warnedUnknownFields.removeIf(field -> field.object().equals(key));
        }
        default -> {}
      }
    }
    if (rejections.remove(key) != null) {
      log.info("{} deleted; its rejection is cleared", key);
    }
    if (key.kind().equals(IstioKind.SIDECAR.kind())) {
      reportShadowedSidecars();
    }
    publish(changes, cause);
  }

  @Override
  public void sourceStarted(String source) {
    if (pendingSources.add(source)) {
      log.info("source {} started; registry not ready until it has synced", source);
    }
  }

  @Override
  public void sourceSynced(String source) {
    if (pendingSources.remove(source)) {
      log.info("source {} synced{}", source, pendingSources.isEmpty() ? "; registry ready" : "");
    }
  }

  // ---- ServiceRegistry --------------------------------------------------------------------

  @Override
  public List<Service> services() {
    List<Service> kubeServices;
    List<Service> external;
    synchronized (this) {
      kubeServices = kube.servicesByHostname();
      external = serviceEntries.services();
    }
    List<Service> all = new ArrayList<>(kubeServices.size() + external.size());
    all.addAll(kubeServices);
    all.addAll(external);
    return List.copyOf(all);
  }

  @Override
  public Map<String, List<Endpoint>> endpointShards(String hostname, String namespace) {
    Map<String, List<Endpoint>> shards = new LinkedHashMap<>();
    synchronized (this) {
      List<Endpoint> kubeEndpoints = kube.endpoints(hostname, namespace);
      if (kubeEndpoints != null) {
        shards.put("Kubernetes/" + config.clusterId(), kubeEndpoints);
      }
      List<Endpoint> external = serviceEntries.endpoints(hostname, namespace);
      if (external != null) {
        shards.put("External/" + config.clusterId(), external);
      }
    }
    return java.util.Collections.unmodifiableMap(shards);
  }

  @Override
  public TrafficConfigs trafficConfigs() {
    synchronized (this) {
      return traffic.snapshot();
    }
  }

  @Override
  public List<StoredConfig> storedConfigs() {
    synchronized (this) {
      return traffic.stored();
    }
  }

  @Override
  public List<Rejection> rejections() {
    return new TreeMap<>(rejections).values().stream().toList();
  }

  @Override
  public Map<String, Long> rejectionCounts() {
    Map<String, Long> counts = new TreeMap<>();
    rejectionCounts.forEach((kind, count) -> counts.put(kind, count.get()));
    return counts;
  }

  /** Size of the pod/address → slice index (tests check it shrinks with the slices). */
  int indexedWorkloadRefs() {
    synchronized (this) {
      return kube.indexedWorkloadRefs();
    }
  }

  @Override
  public Optional<HostnameChanges> changes(String hostname) {
    return history.of(hostname);
  }

  @Override
  public boolean synced() {
    return pendingSources.isEmpty();
  }

  @Override
  public List<String> pendingSources() {
    return pendingSources.stream().sorted().toList();
  }

  @Override
  public void addListener(RegistryListener listener) {
    listeners.add(listener);
  }

  // ---- internals --------------------------------------------------------------------------

  private void reject(String source, ObjectKey key, String reason) {
    log.warn("rejected {} from {}: {}", key, source, reason);
    recordRejection(source, key, reason);
  }

  private void recordRejection(String source, ObjectKey key, String reason) {
    rejections.put(key, new Rejection(key, source, reason, clock.instant()));
    rejectionCounts.computeIfAbsent(key.kind(), k -> new AtomicLong()).incrementAndGet();
  }

  @Override
  public void reportInvalid(String source, ObjectKey key, String reason) {
    reject(source, key, reason);
  }

  @Override
  public void clearInvalid(ObjectKey key) {
    clearRejection(key);
  }

  private void clearRejection(ObjectKey key) {
    Rejection previous = rejections.remove(key);
    if (previous != null) {
      log.info("{} accepted again (was rejected: {})", key, previous.reason());
    }
  }

  private ObjectChange cause(String source, ObjectKey key, HasMetadata object, ObjectChange.Action action) {
    return new ObjectChange(key, source, object.getMetadata().getResourceVersion(), action, clock.instant());
  }

  private void publish(ChangeSet changes, ObjectChange cause) {
    if (changes.isEmpty()) {
      return;
    }
    RegistryChange change = changes.toChange();
    // recorded before the listeners run, so a push started by this change is never older than it
    history.services(change.services(), cause);
    history.endpoints(change.endpoints(), cause);
    for (RegistryListener listener : listeners) {
      try {
        listener.onChange(change);
      } catch (RuntimeException e) {
        log.warn("registry listener {} failed: {}", listener, e.toString());
      }
    }
  }

  private synchronized boolean isShadowed(ObjectKey key) {
    return traffic.shadowedSidecars().containsKey(key);
  }

  /**
   * Lists each namespace-wide Sidecar that an older one in its namespace overrides as rejected,
   * and clears the listing once it applies again (the older one deleted or given a selector).
   */
  private void reportShadowedSidecars() {
    Map<ObjectKey, ObjectKey> now;
    Map<ObjectKey, ObjectKey> before;
    Map<ObjectKey, String> sources = new HashMap<>();
    synchronized (this) {
      now = traffic.shadowedSidecars();
      before = reportedShadowedSidecars;
      if (now.equals(before)) {
        return;
      }
      reportedShadowedSidecars = now;
      now.keySet().forEach(key -> traffic.get(key).ifPresent(c -> sources.put(key, c.meta().source())));
    }
    before.keySet().stream().filter(key -> !now.containsKey(key)).forEach(this::clearRejection);
    now.forEach((ignored, applying) -> {
      if (!applying.equals(before.get(ignored))) {
        reject(sources.getOrDefault(ignored, ""), ignored, "ignored: " + applying
            + " also has no workloadSelector and is older; istiod applies only the oldest such Sidecar of a namespace");
      }
    });
  }

  private static Optional<IstioKind> trafficKind(GenericKubernetesResource resource) {
    return IstioKind.of(resource.getKind(), resource.getApiVersion())
        .filter(kind -> kind != IstioKind.SERVICE_ENTRY && kind != IstioKind.WORKLOAD_ENTRY);
  }

  private static boolean isWorkloadEntry(GenericKubernetesResource resource) {
    return IstioKind.of(resource.getKind(), resource.getApiVersion()).filter(IstioKind.WORKLOAD_ENTRY::equals)
        .isPresent();
  }

  private static boolean isServiceEntry(GenericKubernetesResource resource) {
    String apiVersion = resource.getApiVersion();
    return "ServiceEntry".equals(resource.getKind())
        && apiVersion != null
        && apiVersion.startsWith("networking.istio.io/");
  }

  /** Hostnames touched by one mutation, split into service and endpoint-only changes. */
  static final class ChangeSet {
    private final Set<String> services = new HashSet<>();
    private final Set<String> endpoints = new HashSet<>();
    private final Set<ObjectKey> configs = new HashSet<>();

    void config(ObjectKey key) {
      configs.add(key);
    }

    void service(String hostname) {
      services.add(hostname);
    }

    void endpoints(String hostname) {
      endpoints.add(hostname);
    }

    boolean isEmpty() {
      return services.isEmpty() && endpoints.isEmpty() && configs.isEmpty();
    }

    RegistryChange toChange() {
      Set<String> endpointOnly = new HashSet<>(endpoints);
      endpointOnly.removeAll(services);
      return new RegistryChange(services, endpointOnly, configs);
    }
  }
}
