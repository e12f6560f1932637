package io.meshpilot.xds;

import com.google.protobuf.Message;
import io.meshpilot.registry.RegistryChange;
import io.meshpilot.registry.ServiceRegistry;
import io.meshpilot.xds.cache.XdsCache;
import io.meshpilot.xds.debug.DebugSettings;
import io.meshpilot.xds.debug.StatusGenerator;
import io.meshpilot.xds.dump.ConfigDumpBuilder;
import io.meshpilot.xds.dump.ProxyIdPattern;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.push.PushScheduler;
import io.meshpilot.xds.push.PushSettings;
import io.meshpilot.xds.push.PushTarget;
import io.meshpilot.xds.server.AdsServer;
import io.meshpilot.xds.server.AdsSettings;
import io.meshpilot.xds.server.ProxySyncState;
import io.meshpilot.xds.server.PushRequest;
import io.meshpilot.xds.server.ResourceSource;
import io.meshpilot.xds.server.SyncStatusRegistry;
import io.meshpilot.xds.server.XdsTlsOptions;
import io.meshpilot.xds.server.XdsType;
import io.meshpilot.xds.view.PushContext;
import io.meshpilot.xds.view.SidecarScope;
import io.meshpilot.xds.why.ChangeTracer;
import io.meshpilot.xds.why.WhyReport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The discovery side of meshpilot, wired together: registry changes go through the push scheduler,
 * which builds a new {@link PushContext} per push and has the ADS server send each proxy the change
 * reaches what changed for it. Owns the server, the scheduler and the resource cache that outlives
 * each push; closing it stops both.
 */
public final class MeshDiscovery implements AutoCloseable {
  private final ServiceRegistry registry;
  private final MeshSettings settings;
  private final AtomicLong pushCounter = new AtomicLong();
  private final XdsCache cache;
  private final XdsResources resources;
  private final AdsServer server;
  private final PushScheduler scheduler;
  private final ChangeTracer tracer;

  private MeshDiscovery(ServiceRegistry registry, MeshSettings settings, PushSettings pushSettings,
      InetSocketAddress address, Optional<XdsTlsOptions> tls, XdsEvents events,
      UnaryOperator<ResourceSource> decorate, AdsSettings adsSettings, DebugSettings debugSettings) {
    this.registry = registry;
    this.settings = settings;
    this.cache = new XdsCache(adsSettings.xdsCacheSize());
    // Every context build is reported (pilot_pushcontext_init_seconds, pilot_services).
    Supplier<PushContext> timedContext = () -> {
      long start = System.nanoTime();
      PushContext context = newContext();
      events.pushContextBuilt(Duration.ofNanos(System.nanoTime() - start), context.totalServices());
      return context;
    };
    this.resources = new XdsResources(timedContext.get());
    ResourceSource served = decorate.apply(resources);
    this.server = new AdsServer(address, tls, served, events, adsSettings,
        new StatusGenerator(debugSettings, new ConfigDumpBuilder(resources::messages), () -> resources.current().version()));
    this.scheduler = new PushScheduler(pushSettings, request -> {
      // istiod serves an endpoints-only push from the PushContext it has; only endpoints are read again
      PushContext next = request.full() ? timedContext.get()
          : resources.current().withEndpointChanges(request.edsHostnames(), nextVersion());
      resources.advance(next);
      return next;
    }, PushTarget.of(server), events);
    scheduler.history().initial(resources.current().version(), Instant.now());
    this.tracer = new ChangeTracer(registry, settings, resources::current, served, scheduler.history());
  }

  /**
   * Starts the ADS server on the address and follows the registry.
   *
   * @param pushSettings debounce and throttle ({@code PILOT_*} knobs), read once by the caller
   * @param events where pushes, NACKs and timings are reported (metrics)
   */
  public static MeshDiscovery start(ServiceRegistry registry, MeshSettings settings, PushSettings pushSettings,
      InetSocketAddress address, XdsEvents events) throws IOException {
    return start(registry, settings, pushSettings, address, events, UnaryOperator.identity());
  }

  /**
   * Like {@link #start(ServiceRegistry, MeshSettings, PushSettings, InetSocketAddress, XdsEvents)},
   * with the generated resources passed through {@code decorate} before they are sent: a hook for
   * tests (e.g. injecting a config Envoy rejects) and diagnostics, not for production wiring.
   */
  public static MeshDiscovery start(ServiceRegistry registry, MeshSettings settings, PushSettings pushSettings,
      InetSocketAddress address, XdsEvents events, UnaryOperator<ResourceSource> decorate) throws IOException {
    return start(registry, settings, pushSettings, address, Optional.empty(), events, decorate);
  }

  /**
   * Starts the ADS server on the plaintext address and, when {@code tls} is given, also on a TLS
   * listener serving the same streams; follows the registry.
   */
  public static MeshDiscovery start(ServiceRegistry registry, MeshSettings settings, PushSettings pushSettings,
      InetSocketAddress address, Optional<XdsTlsOptions> tls, XdsEvents events) throws IOException {
    return start(registry, settings, pushSettings, address, tls, events, UnaryOperator.identity());
  }

  /**
   * Starts the ADS server with these admission and cache settings; streams are refused until the
   * registry has synced.
   */
  public static MeshDiscovery start(ServiceRegistry registry, MeshSettings settings, PushSettings pushSettings,
      InetSocketAddress address, Optional<XdsTlsOptions> tls, XdsEvents events, AdsSettings adsSettings)
      throws IOException {
    return start(registry, settings, pushSettings, address, tls, events, adsSettings, DebugSettings.defaults());
  }

  /**
   * Starts the ADS server with these admission and cache settings, serving istiod's debug types
   * ({@code istioctl proxy-status --xds-address}) as {@code debugSettings} say.
   */
  public static MeshDiscovery start(ServiceRegistry registry, MeshSettings settings, PushSettings pushSettings,
      InetSocketAddress address, Optional<XdsTlsOptions> tls, XdsEvents events, AdsSettings adsSettings,
      DebugSettings debugSettings) throws IOException {
    return start(registry, settings, pushSettings, address, tls, events, UnaryOperator.identity(), adsSettings,
        debugSettings);
  }

  private static MeshDiscovery start(ServiceRegistry registry, MeshSettings settings, PushSettings pushSettings,
      InetSocketAddress address, Optional<XdsTlsOptions> tls, XdsEvents events,
      UnaryOperator<ResourceSource> decorate) throws IOException {
    return start(registry, settings, pushSettings, address, tls, events, decorate, AdsSettings.defaults(),
        DebugSettings.defaults());
  }

  private static MeshDiscovery start(ServiceRegistry registry, MeshSettings settings, PushSettings pushSettings,
      InetSocketAddress address, Optional<XdsTlsOptions> tls, XdsEvents events,
      UnaryOperator<ResourceSource> decorate, AdsSettings adsSettings, DebugSettings debugSettings)
      throws IOException {
    MeshDiscovery discovery = new MeshDiscovery(registry, settings, pushSettings, address, tls, events, decorate,
        adsSettings.withReady(registry::synced), debugSettings);
    discovery.server.start();
    registry.addListener(discovery::onRegistryChange);
    return discovery;
  }

  /** Starts with no event reporting. */
  public static MeshDiscovery start(ServiceRegistry registry, MeshSettings settings, PushSettings pushSettings,
      InetSocketAddress address) throws IOException {
    return start(registry, settings, pushSettings, address, XdsEvents.NONE);
  }

  /** The bound gRPC port. */
  public int port() {
    return server.port();
  }

  /** The bound TLS port, if a TLS listener was configured. */
  public OptionalInt tlsPort() {
    return server.tlsPort();
  }

  /**
   * Graceful shutdown: stops pushing, then drains the ADS server (see {@link AdsServer#drain}),
   * waiting at most {@code grace}.
   */
  public void shutdownGracefully(Duration grace) {
    scheduler.close();
    server.drain(grace);
  }

  /** Per-proxy ACK/NACK state, for the debug endpoints. */
  public SyncStatusRegistry syncStatus() {
    return server.syncStatus();
  }

  /** The push context proxies are served from now. */
  public PushContext currentContext() {
    return resources.current();
  }

  /** The Sidecar scope the proxy resolves to in the current push context (for {@code /debug/sidecarz}). */
  public SidecarScope sidecarScope(Proxy proxy) {
    return resources.current().sidecarScope(proxy);
  }

  /** The resource cache across pushes (hits, misses and size for metrics). */
  public XdsCache resourceCache() {
    return cache;
  }

  /**
   * The first connected proxy (by connection id) that the debug pattern names: a connection id
   * containing the text, or a glob over the proxy id or connection id (see {@link ProxyIdPattern}).
   */
  public Optional<ProxySyncState> proxy(String idOrGlob) {
    ProxyIdPattern pattern = new ProxyIdPattern(idOrGlob);
    return syncStatus().proxies().stream().filter(pattern::matches).findFirst();
  }

  /**
   * What the ADS server would send the proxy now for one type, from the current push context and
   * the same per-push memo the server uses (so the instances are the ones on the wire).
   *
   * @param names the names to generate: for EDS and RDS, and for CDS and LDS of proxyless gRPC nodes
   *     (which name what they want); sidecars always get complete CDS and LDS
   */
  public List<? extends Message> generate(Proxy proxy, XdsType type, Set<String> names) {
    return resources.messages(proxy, type, names);
  }

  /**
   * Where the last change to a hostname stands for one connection's proxy: registry, visibility,
   * push and what the proxy holds. Empty when the connection is gone.
   */
  public Optional<WhyReport> why(String connectionId, String hostname) {
    return syncStatus().holdings(connectionId).map(holdings -> tracer.trace(holdings, hostname));
  }

  /** Pushes everything to every proxy after the debounce (e.g. once the registry has synced). */
  public void requestFullPush() {
    scheduler.request(PushRequest.fullPush());
  }

  private void onRegistryChange(RegistryChange change) {
    // Headless services get per-pod listeners (LDS), so their endpoint changes need a full push.
    Set<String> headless = resources.current().passthroughHostnames();
    if (change.services().isEmpty() && change.endpoints().stream().anyMatch(headless::contains)) {
      change = new RegistryChange(change.endpoints(), Set.of(), change.configs());
    }
    scheduler.onChange(change);
  }

  private PushContext newContext() {
    return PushContext.create(registry, settings, nextVersion(), cache);
  }

  /** istiod's push version: {@code <RFC3339 seconds>/<counter>}. */
  private String nextVersion() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS) + "/" + pushCounter.incrementAndGet();
  }

  @Override
  public void close() {
    scheduler.close();
    server.close();
  }
}
