package io.meshpilot.registry.kube;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import static io.meshpilot.registry.kube.CompactStores.compact;

import io.meshpilot.registry.ObjectSink;
import io.meshpilot.registry.networking.IstioKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a cluster's Services, EndpointSlices (or Endpoints), Pods, Nodes and the networking.istio.io
 * kinds (ServiceEntry, WorkloadEntry, DestinationRule, VirtualService, Sidecar) with fabric8 informers and delivers
 * every object to an {@link ObjectSink} as source {@code kubernetes}. Any Istio CRD may be missing:
 * the source then syncs without that kind and starts watching it when the CRD appears ({@link
 * IstioKindDiscovery}). With {@link KubeSourceOptions#namespaces()} set, the namespaced kinds are
 * watched by one informer per namespace, so objects elsewhere never arrive.
 */
public final class KubeSource implements AutoCloseable {
  static final String SOURCE = "kubernetes";
  private static final Duration REBUILD_DELAY = Duration.ofSeconds(1);
  /** Longer than fabric8's longest watch retry backoff (32 s), so a normal retry is never cut short. */
  static final Duration STALL_TIMEOUT = Duration.ofSeconds(45);
  /** How long a watching informer's resourceVersion may stay put while another's moves before its watch is probed. */
  static final Duration PROBE_AFTER = Duration.ofSeconds(10);
  /**
   * How long after a probe a watching informer's resourceVersion may stay put. kube-apiserver sends each
   * watch a bookmark about every minute once its kind's watch cache is newer than the watch; this leaves
   * room for that and for {@link #CHECK_PERIOD}.
   */
  static final Duration SILENCE_TIMEOUT = Duration.ofSeconds(75);
  /** The probe: one object, so that it costs the API server next to nothing. */
  private static final ListOptions PROBE_LIST = new ListOptionsBuilder().withLimit(1L).build();
  /** How often every informer's watch and resourceVersion are looked at. */
  private static final Duration CHECK_PERIOD = Duration.ofSeconds(5);
  private static final Logger log = LoggerFactory.getLogger(KubeSource.class);

  private final KubernetesClient client;
  private final ObjectSink sink;
  private final KubeSourceOptions options;
  private final ScheduledExecutorService scheduler;
  private final List<SupervisedInformer<?>> informers = new ArrayList<>();
  // per Istio kind: complete once its informers have synced, or once its CRD was found missing
  private final Map<IstioKind, CompletableFuture<Void>> istioReady = new EnumMap<>(IstioKind.class);
  private final IstioKindDiscovery discovery;
  private volatile boolean closed;
  private boolean started;
  // the checks' clock starts here, so that its times are never negative (System.nanoTime's may be)
  private final long clockOrigin = System.nanoTime();

  /**
   * @param client a client for the cluster; the caller owns it and closes it after this source
   * @param sink where objects go
   */
  public KubeSource(KubernetesClient client, ObjectSink sink, KubeSourceOptions options) {
    this.client = client;
    this.sink = sink;
    this.options = options;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "meshpilot-kube-source");
      t.setDaemon(true);
      return t;
    });
    for (IstioKind kind : IstioKind.values()) {
      istioReady.put(kind, new CompletableFuture<>());
    }
    this.discovery = new IstioKindDiscovery(client, EnumSet.allOf(IstioKind.class), options.crdRecheckInterval(),
        scheduler, new IstioKindDiscovery.Listener() {
          @Override
          public void served(IstioKind kind, String version) {
            watchIstioKind(kind, version);
          }

          @Override
          public void missing(IstioKind kind) {
            istioReady.get(kind).complete(null);
          }
        });
  }

  /**
   * Starts watching without blocking: calls sink.sourceStarted("kubernetes") first, and
   * sink.sourceSynced("kubernetes") once every informer has listed.
   */
  public synchronized void start() {
    if (started) {
      throw new IllegalStateException("KubeSource already started");
    }
    started = true;
    sink.sourceStarted(SOURCE);
    if (!options.namespaces().isEmpty()) {
      log.info("Watching namespaced kinds only in namespace(s) {}", String.join(", ", options.namespaces()));
    }
    addNamespaced("Service", "v1", Service.class, client.services());
    if (options.useEndpointSlices()) {
      addNamespaced("EndpointSlice", "discovery.k8s.io/v1", EndpointSlice.class,
          client.discovery().v1().endpointSlices());
    } else {
      addNamespaced("Endpoints", "v1", Endpoints.class, client.endpoints());
    }
    addNamespaced("Pod", "v1", Pod.class, client.pods());
    KubernetesSerialization serialization = client.getKubernetesSerialization();
    add("Node", "v1", Optional.empty(), () -> compact(client.nodes().runnableInformer(0), Node.class, serialization),
        () -> client.nodes().list(PROBE_LIST));
    List<CompletableFuture<Void>> syncs = new ArrayList<>();
    for (SupervisedInformer<?> informer : informers) {
      informer.start();
      syncs.add(informer.firstSync().toCompletableFuture());
    }
    syncs.addAll(istioReady.values());
    discovery.start();
    long period = CHECK_PERIOD.toMillis();
    scheduler.scheduleWithFixedDelay(this::checkStalled, period, period, TimeUnit.MILLISECONDS);
    CompletableFuture.allOf(syncs.toArray(CompletableFuture[]::new)).thenRun(() -> {
      if (!closed) {
        log.info("Kubernetes source synced");
        sink.sourceSynced(SOURCE);
      }
    });
  }

  @Override
  public void close() {
    List<SupervisedInformer<?>> toStop;
    synchronized (this) {
      closed = true;
      toStop = new ArrayList<>(informers);
    }
    discovery.close();
    scheduler.shutdownNow();
    toStop.forEach(SupervisedInformer::close);
  }

  private void checkStalled() {
    List<SupervisedInformer<?>> current;
    synchronized (this) {
      current = new ArrayList<>(informers);
    }
    long now = clock();
    long latestMove = current.stream().mapToLong(i -> i.observeProgress(now)).max().orElse(-1);
    current.forEach(i -> i.checkStalled(now, latestMove));
  }

  /** Nanoseconds since this source was made: the informers' checks' clock. */
  private long clock() {
    return System.nanoTime() - clockOrigin;
  }

  /** The supervised informer for a kind (tests). */
  synchronized Optional<SupervisedInformer<?>> informer(String kind) {
    return informers.stream().filter(i -> i.kind().equals(kind)).findFirst();
  }

  /** One informer per watched namespace, or one for all namespaces. */
  private synchronized <T extends HasMetadata> List<SupervisedInformer<T>> addNamespaced(
      String kind, String apiVersion, Class<T> type, MixedOperation<T, ?, ?> operation) {
    List<Optional<String>> scopes = options.namespaces().isEmpty() ? List.of(Optional.empty())
        : options.namespaces().stream().map(Optional::of).toList();
    List<SupervisedInformer<T>> added = new ArrayList<>();
    for (Optional<String> namespace : scopes) {
      Supplier<FilterWatchListDeletable<T, ?, ?>> scope = () -> namespace.isEmpty()
          ? operation.inAnyNamespace() : operation.inNamespace(namespace.get());
      added.add(add(kind, apiVersion, namespace,
          () -> compact(scope.get().runnableInformer(0), type, client.getKubernetesSerialization()),
          () -> scope.get().list(PROBE_LIST)));
    }
    return added;
  }

  /**
   * @param namespace the one namespace the informer watches, for its name in logs
   * @param probe lists one object of what the informer watches
   */
  private synchronized <T extends HasMetadata> SupervisedInformer<T> add(String kind, String apiVersion,
      Optional<String> namespace, Supplier<SharedIndexInformer<T>> factory, Runnable probe) {
    String name = namespace.map(ns -> kind + " (namespace " + ns + ")").orElse(kind);
    SupervisedInformer<T> informer = new SupervisedInformer<>(name, factory,
        new SinkForwarder<>(sink, SOURCE, kind, apiVersion), scheduler, REBUILD_DELAY, STALL_TIMEOUT,
        new WatchProbe(PROBE_AFTER, SILENCE_TIMEOUT, probe), this::clock);
    informers.add(informer);
    return informer;
  }

  /** How many times the Istio CRDs have been looked for (tests). */
  int crdChecks() {
    return discovery.rounds();
  }

  /** Starts the informers of an Istio kind now served under {@code version}. */
  private void watchIstioKind(IstioKind kind, String version) {
    String apiVersion = IstioKind.GROUP + "/" + version;
    String plural = IstioKindDiscovery.plural(kind);
    if (discovery.wasMissing(kind)) {
      log.info("{} CRD ({}) appeared; watching {}", kind.kind(), apiVersion, plural);
    } else {
      log.info("Watching {} ({})", plural, apiVersion);
    }
    ResourceDefinitionContext context = new ResourceDefinitionContext.Builder()
        .withGroup(IstioKind.GROUP)
        .withVersion(version)
        .withKind(kind.kind())
        .withPlural(kind.plural())
        .withNamespaced(true)
        .build();
    List<SupervisedInformer<GenericKubernetesResource>> added;
    synchronized (this) {
      if (closed) {
        return;
      }
      added = addNamespaced(kind.kind(), apiVersion, GenericKubernetesResource.class,
          client.genericKubernetesResources(context));
    }
    CompletableFuture.allOf(added.stream().map(i -> i.firstSync().toCompletableFuture())
        .toArray(CompletableFuture[]::new)).thenRun(() -> istioReady.get(kind).complete(null));
    added.forEach(SupervisedInformer::start);
  }

  /** 30s, 2m, 250ms: how an operator writes durations. */
  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 60_000 == 0) {
      return (ms / 60_000) + "m";
    }
    if (ms % 1000 == 0) {
      return (ms / 1000) + "s";
    }
    return ms + "ms";
  }
}
