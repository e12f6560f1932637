package io.meshpilot.registry.kube;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.meshpilot.registry.networking.IstioKind;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds, by API discovery, the version under which each networking.istio.io kind is served (the
 * first of v1, v1beta1, v1alpha3), and keeps looking for the kinds whose CRD is not installed yet,
 * so a CRD installed after meshpilot started is picked up. One round asks discovery once per group
 * version, whatever the number of kinds. Each kind is reported once: as served (with its version)
 * or, on the first round that does not find it, as missing (and later as served if it appears).
 */
final class IstioKindDiscovery {
  private static final Duration RETRY_AFTER_ERROR = Duration.ofSeconds(5);
  private static final Logger log = LoggerFactory.getLogger(IstioKindDiscovery.class);

  /** What the source does with the outcome for one kind. Called on the scheduler thread. */
  interface Listener {
    /** The kind is served under {@code version}; called once per kind. */
    void served(IstioKind kind, String version);

    /** The kind's CRD is not installed at the first look; called at most once per kind. */
    void missing(IstioKind kind);
  }

  private final KubernetesClient client;
  private final Duration recheck;
  private final ScheduledExecutorService scheduler;
  private final Listener listener;
  private final Set<IstioKind> pending;
  private final Set<IstioKind> reportedMissing = EnumSet.noneOf(IstioKind.class);
  private final AtomicInteger rounds = new AtomicInteger();
  private volatile boolean closed;

  IstioKindDiscovery(KubernetesClient client, Set<IstioKind> kinds, Duration recheck,
      ScheduledExecutorService scheduler, Listener listener) {
    this.client = client;
    this.recheck = recheck;
    this.scheduler = scheduler;
    this.listener = listener;
    this.pending = EnumSet.copyOf(kinds);
  }

  void start() {
    schedule(Duration.ZERO);
  }

  void close() {
    closed = true;
  }

  /** How many discovery rounds have run. */
  int rounds() {
    return rounds.get();
  }

  private void round() {
    if (closed || pending.isEmpty()) {
      return;
    }
    rounds.incrementAndGet();
    Map<IstioKind, String> served;
    try {
      served = servedVersions();
    } catch (KubernetesClientException e) {
      Duration retry = recheck.compareTo(RETRY_AFTER_ERROR) <= 0 ? recheck : RETRY_AFTER_ERROR;
      log.warn("Could not check whether the Istio CRDs ({}) are installed ({}); retrying in {}", names(pending),
          SupervisedInformer.reason(e), KubeSource.format(retry));
      schedule(retry);
      return;
    }
    served.forEach((kind, version) -> {
      pending.remove(kind);
      listener.served(kind, version);
    });
    for (IstioKind kind : pending) {
      if (reportedMissing.add(kind)) {
        log.warn("{} CRD ({}) is not installed; {} are ignored until it appears, rechecking every {}", kind.kind(),
            IstioKind.GROUP, plural(kind), KubeSource.format(recheck));
        listener.missing(kind);
      }
    }
    if (!pending.isEmpty()) {
      schedule(recheck);
    }
  }

  /** Whether the first look found this kind missing (for the "appeared" log line). */
  boolean wasMissing(IstioKind kind) {
    return reportedMissing.contains(kind);
  }

  /** The pending kinds now served, each with the first version that serves it (a 404 means not served). */
  private Map<IstioKind, String> servedVersions() {
    Map<IstioKind, String> served = new LinkedHashMap<>();
    for (String version : IstioKind.SERVED_VERSIONS) {
      APIResourceList resources = client.getApiResources(IstioKind.GROUP + "/" + version);
      if (resources == null || resources.getResources() == null) {
        continue;
      }
      Set<String> names = resources.getResources().stream().map(APIResource::getName).collect(Collectors.toSet());
      for (IstioKind kind : pending) {
        if (!served.containsKey(kind) && names.contains(kind.plural())) {
          served.put(kind, version);
        }
      }
    }
    return served;
  }

  /** How logs name the objects of a kind: ServiceEntries, Sidecars. */
  static String plural(IstioKind kind) {
    String name = kind.kind();
    return name.endsWith("y") ? name.substring(0, name.length() - 1) + "ies" : name + "s";
  }

  private static String names(Set<IstioKind> kinds) {
    return kinds.stream().map(IstioKind::kind).collect(Collectors.joining(", "));
  }

  private void schedule(Duration delay) {
    try {
      scheduler.schedule(this::round, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // the source is closing
    }
  }
}
