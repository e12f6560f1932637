package io.meshpilot.loadtest.client;

import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N simulated sidecars, each on its own gRPC channel (its own connection), opened at a fixed rate;
 * counts stream failures and the sidecars that gave up, and feeds every applied response to the
 * active {@link ViewWatch}es.
 */
public final class SidecarFleet implements AutoCloseable, SimulatedSidecar.Events {
  private static final Logger log = LoggerFactory.getLogger(SidecarFleet.class);
  // istiod's responses for a large mesh exceed gRPC's 4 MiB default; Envoy sets no such limit
  private static final int MAX_MESSAGE_BYTES = 512 * 1024 * 1024;

  private final FleetSettings settings;
  private final IntFunction<SidecarNode> nodes;
  private final Interner interner = new Interner();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<SimulatedSidecar<?, ?>> sidecars = new ArrayList<>();
  private final AtomicLongArray connectStartedAt;
  private final List<ViewWatch> watches = new CopyOnWriteArrayList<>();
  private final AtomicLong streamFailures = new AtomicLong();
  private final ConcurrentHashMap<Status.Code, AtomicLong> failuresByCode = new ConcurrentHashMap<>();
  private final Set<Integer> gaveUp = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "fleet-timer");
    t.setDaemon(true);
    return t;
  });

  /** A fleet of generated sidecars, dealt over the mesh's namespaces ({@link SidecarNode#of}). */
  public SidecarFleet(FleetSettings settings) {
    this(settings, i -> SidecarNode.of(i, settings.namespaces()));
  }

  /** A fleet whose {@code i}-th sidecar is {@code nodes.apply(i)} (e.g. the conformance harness's few proxies). */
  public SidecarFleet(FleetSettings settings, IntFunction<SidecarNode> nodes) {
    this.settings = settings;
    this.nodes = nodes;
    this.connectStartedAt = new AtomicLongArray(settings.proxies());
  }

  /** Registers a watch over every sidecar's view from now on. */
  public ViewWatch watch(Predicate<ProxyView> condition) {
    ViewWatch watch = new ViewWatch(condition, settings.proxies());
    watches.add(watch);
    return watch;
  }

  /** Stops feeding a watch. */
  public void unwatch(ViewWatch watch) {
    watches.remove(watch);
  }

  /** Starts opening the sidecars' streams at the configured rate; returns at once. */
  public void connectAll() {
    double intervalNanos = 1e9 / settings.connectsPerSecond();
    for (int i = 0; i < settings.proxies(); i++) {
      ManagedChannel channel = Grpc.newChannelBuilderForAddress(settings.host(), settings.port(),
              InsecureChannelCredentials.create())
          .directExecutor() // the callbacks only parse and answer; no thread hop per message
          .maxInboundMessageSize(MAX_MESSAGE_BYTES)
          .userAgent("envoy")
          .build();
      channels.add(channel);
      SimulatedSidecar<?, ?> sidecar = sidecar(i, channel);
      sidecars.add(sidecar);
      int index = i;
      timer.schedule(() -> {
        connectStartedAt.set(index, System.nanoTime());
        sidecar.connect();
      }, (long) (i * intervalNanos), TimeUnit.NANOSECONDS);
    }
    log.info("opening {} {} streams to {}:{} at {}/s", settings.proxies(), settings.delta() ? "Delta" : "SotW",
        settings.host(), settings.port(), settings.connectsPerSecond());
  }

  private SimulatedSidecar<?, ?> sidecar(int index, ManagedChannel channel) {
    SidecarNode node = nodes.apply(index);
    ProxyView view = new ProxyView(interner);
    AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceStub stub = AggregatedDiscoveryServiceGrpc.newStub(channel);
    if (settings.delta()) {
      return new SimulatedSidecar<>(index, new DeltaSession(node.toNode(), view), stub::deltaAggregatedResources,
          settings.backoff(), settings.maxRetries(), timer, this);
    }
    return new SimulatedSidecar<>(index, new SotwSession(node.toNode(), view), stub::streamAggregatedResources,
        settings.backoff(), settings.maxRetries(), timer, this);
  }

  /** When the sidecar's first stream was opened ({@link System#nanoTime()}), or 0 if not yet. */
  public long connectStartedAt(int sidecar) {
    return connectStartedAt.get(sidecar);
  }

  public int size() {
    return settings.proxies();
  }

  @Override
  public void applied(int sidecar, ProxyView view) {
    long now = System.nanoTime();
    for (ViewWatch watch : watches) {
      watch.observe(sidecar, view, now);
    }
  }

  @Override
  public void streamFailed(int sidecar, Status status) {
    long n = streamFailures.incrementAndGet();
    failuresByCode.computeIfAbsent(status.getCode(), c -> new AtomicLong()).incrementAndGet();
    if (Long.bitCount(n) == 1) { // 1, 2, 4, 8...: enough to see what happens without a line per failure
      log.info("stream failure #{} (sidecar {}): {} {}", n, sidecar, status.getCode(), status.getDescription());
    }
  }

  @Override
  public void gaveUp(int sidecar) {
    gaveUp.add(sidecar);
    log.warn("sidecar {} gave up after {} consecutive stream failures", sidecar, settings.maxRetries() + 1);
  }

  /** Streams that ended in error (each reconnect attempt that failed counts once). */
  public long streamFailures() {
    return streamFailures.get();
  }

  /** Stream failures by gRPC status code name. */
  public Map<String, Long> failuresByCode() {
    Map<String, Long> out = new TreeMap<>();
    failuresByCode.forEach((code, n) -> out.put(code.name(), n.get()));
    return out;
  }

  /** Sidecars that failed for good (exhausted their retries). */
  public int gaveUpCount() {
    return gaveUp.size();
  }

  /** Responses the sidecars could not parse and NACKed. */
  public long nacks() {
    return sidecars.stream().mapToLong(SimulatedSidecar::nacks).sum();
  }

  @Override
  public void close() throws InterruptedException {
    timer.shutdownNow();
    sidecars.forEach(SimulatedSidecar::close);
    channels.forEach(ManagedChannel::shutdownNow);
    for (ManagedChannel channel : channels) {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
