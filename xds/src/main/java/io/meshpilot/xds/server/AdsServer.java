package io.meshpilot.xds.server;

import com.google.common.annotations.VisibleForTesting;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.meshpilot.xds.XdsEvents;
import io.meshpilot.xds.auth.XdsAuthInterceptor;
import io.meshpilot.xds.auth.XdsAuthenticator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The xDS server: ADS (state of the world and Delta) with meshpilot's own stream handling (one
 * {@link ProxyConnection} per stream). Connections are answered on request; {@link #push} brings
 * them up to date after a registry change. Optionally a second, TLS listener serves the same
 * streams (see {@link XdsTlsOptions}); {@link #drain} ends them all for a graceful shutdown.
 */
public final class AdsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdsServer.class);

  private final InetSocketAddress address;
  private final Optional<XdsTlsOptions> tls;
  private final OpenStreams openStreams = new OpenStreams();
  private final ResourceSource source;
  private final AdsSettings settings;
  private final XdsCounters counters = new XdsCounters();
  private final AdsService service;
  private final SyncStatusRegistry syncStatus;
  private final ExecutorService workers;
  private Server server;
  private Server tlsServer;
  private ReloadingServerTls tlsFiles;

  /**
   * @param address where to listen; port 0 picks a free port (see {@link #port()})
   * @param source generates the resources each proxy receives
   */
  public AdsServer(InetSocketAddress address, ResourceSource source) {
    this(address, source, XdsEvents.NONE);
  }

  /**
   * @param address where to listen; port 0 picks a free port (see {@link #port()})
   * @param source generates the resources each proxy receives
   * @param events where connections, responses, NACKs and stale nonces are reported
   */
  public AdsServer(InetSocketAddress address, ResourceSource source, XdsEvents events) {
    this(address, Optional.empty(), source, events);
  }

  /**
   * @param address where the plaintext listener listens; port 0 picks a free port
   * @param tls a second listener with TLS, serving the same streams
   * @param source generates the resources each proxy receives
   * @param events where connections, responses, NACKs and stale nonces are reported
   */
  public AdsServer(InetSocketAddress address, Optional<XdsTlsOptions> tls, ResourceSource source, XdsEvents events) {
    this(address, tls, source, events, AdsSettings.defaults());
  }

  /**
   * @param address where the plaintext listener listens; port 0 picks a free port
   * @param tls a second listener with TLS, serving the same streams
   * @param source generates the resources each proxy receives
   * @param events where connections, responses, NACKs and stale nonces are reported
   * @param settings readiness, admission rate, connection age and worker threads
   */
  public AdsServer(InetSocketAddress address, Optional<XdsTlsOptions> tls, ResourceSource source, XdsEvents events,
      AdsSettings settings) {
    this(address, tls, source, events, settings, DebugGenerator.NONE);
  }

  /**
   * @param address where the plaintext listener listens; port 0 picks a free port
   * @param tls a second listener with TLS, serving the same streams
   * @param source generates the resources each proxy receives
   * @param events where connections, responses, NACKs and stale nonces are reported
   * @param settings readiness, admission rate, connection age and worker threads
   * @param debug answers istiod's debug-over-xDS types (istioctl proxy-status), on either listener
   */
  public AdsServer(InetSocketAddress address, Optional<XdsTlsOptions> tls, ResourceSource source, XdsEvents events,
      AdsSettings settings, DebugGenerator debug) {
    this.address = address;
    this.tls = tls;
    this.source = source;
    this.settings = settings;
    this.workers = Executors.newFixedThreadPool(settings.workerThreads(),
        Thread.ofPlatform().name("xds-", 0).daemon().factory());
    this.service = new AdsService(source, events, counters, Clock.systemUTC(), settings.ready(),
        new StreamAdmission(settings.maxRequestsPerSecond(), System::nanoTime),
        tls.map(XdsTlsOptions::authenticator).orElse(XdsAuthenticator.disabled()),
        new SendBudget(SendBudget.defaultLimit(), this::resume), debug);
    this.syncStatus = service.syncStatus();
  }

  /**
   * Binds and starts serving.
   *
   * @throws IOException if a port cannot be bound or the TLS files cannot be used
   */
  public synchronized AdsServer start() throws IOException {
    StreamContext context = new StreamContext();
    if (tls.map(XdsTlsOptions::plaintextListener).orElse(true)) {
      server = serve(NettyServerBuilder.forAddress(address), context);
      LOG.info("xDS server listening on {}:{}", address.getHostString(), server.getPort());
    } else {
      LOG.info("xDS plaintext listener off: xDS only over TLS");
    }
    if (tls.isPresent()) {
      XdsTlsOptions options = tls.get();
      try {
        tlsFiles = ReloadingServerTls.start(options);
        tlsServer = serve(NettyServerBuilder.forAddress(options.address()).sslContext(tlsFiles.sslContext()), context);
      } catch (IOException | RuntimeException e) {
        close();
        throw e;
      }
      LOG.info("xDS server listening with TLS on {}:{}", options.address().getHostString(), tlsServer.getPort());
    }
    return this;
  }

  private Server serve(NettyServerBuilder builder, StreamContext context) throws IOException {
    // openStreams is outermost, so its serialized call is the one every other layer sends on
    builder.addService(ServerInterceptors.intercept(service.definition(), new XdsAuthInterceptor(), context, openStreams))
        .executor(workers)
        // pilot-agent pings every 30 s; dead peers are found by our own pings
        .permitKeepAliveTime(10, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .keepAliveTime(30, TimeUnit.SECONDS)
        .keepAliveTimeout(10, TimeUnit.SECONDS)
        .maxConnectionAge(settings.maxConnectionAge().toMillis(), TimeUnit.MILLISECONDS)
        .maxConnectionAgeGrace(10, TimeUnit.SECONDS)
        .maxInboundMessageSize(16 * 1024 * 1024);
    return builder.build().start();
  }

  private void resume(Runnable connection) {
    try {
      workers.execute(connection);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // shutting down: nothing more is sent
    }
  }

  /**
   * The bound plaintext port (after {@link #start()}).
   *
   * @throws IllegalStateException if the plaintext listener is off
   */
  public int port() {
    if (server == null) {
      throw new IllegalStateException("the plaintext xDS listener is off");
    }
    return server.getPort();
  }

  /** The bound TLS port, if the TLS listener is configured (after {@link #start()}). */
  public OptionalInt tlsPort() {
    return tlsServer == null ? OptionalInt.empty() : OptionalInt.of(tlsServer.getPort());
  }

  /** The TLS files being followed. */
  @VisibleForTesting
  Optional<ReloadingServerTls> tlsFiles() {
    return Optional.ofNullable(tlsFiles);
  }

  /** Ids of the connected streams ({@code <proxy.id>-<counter>}), sorted. */
  public List<String> connectionIds() {
    return service.connectionIds();
  }

  /**
   * Ids of the connections a push can change (push scoping: the resource source says which
   * proxies can see what changed), sorted.
   */
  public List<String> connectionIds(PushRequest request) {
    if (request.global()) {
      return connectionIds();
    }
    List<String> ids = new java.util.ArrayList<>();
    for (ProxyConnection connection : service.connections().values()) {
      if (source.affects(request, connection.proxy())) {
        ids.add(connection.id());
      }
    }
    ids.sort(null);
    return ids;
  }

  /** Pushes to every connected proxy the request reaches, one after the other, on the calling thread. */
  public void push(PushRequest request) {
    for (String id : connectionIds(request)) {
      push(id, request);
    }
  }

  /**
   * Pushes to one connection: regenerates what the request covers and answers its parked watches
   * whose content changed, in CDS, EDS, LDS, RDS order.
   *
   * @return false if the connection is gone
   */
  public boolean push(String connectionId, PushRequest request) {
    ProxyConnection connection = service.connections().get(connectionId);
    if (connection == null) {
      return false;
    }
    connection.push(request);
    return true;
  }

  /** True if the connection's last request of this type waits for a push (nothing pending). */
  @VisibleForTesting
  boolean waiting(String connectionId, XdsType type) {
    ProxyConnection connection = service.connections().get(connectionId);
    return connection != null && connection.waiting(type);
  }

  /** Per-proxy sync state, for debug endpoints. */
  public SyncStatusRegistry syncStatus() {
    return syncStatus;
  }

  /**
   * Graceful shutdown: stops accepting connections (and tells connected clients so with GOAWAY),
   * closes every open stream with UNAVAILABLE so proxies reconnect to another replica, and waits
   * at most {@code grace} for the connections to end before cutting them. Each step is logged.
   */
  public void drain(Duration grace) {
    List<Server> servers;
    List<Integer> ports;
    synchronized (this) {
      servers = listeners();
      if (servers.isEmpty()) {
        return;
      }
      ports = servers.stream().map(Server::getPort).toList();
      servers.forEach(Server::shutdown);
    }
    long start = System.nanoTime();
    LOG.info("xDS shutdown: stopped accepting connections on port(s) {}; {} stream(s) open", ports,
        openStreams.count());
    int closed = openStreams.closeAll(Status.UNAVAILABLE.withDescription("control plane shutting down"));
    LOG.info("xDS shutdown: closed {} stream(s) with UNAVAILABLE; proxies reconnect elsewhere and keep their config",
        closed);
    long deadline = start + grace.toNanos();
    boolean terminated = true;
    try {
      for (Server server : servers) {
        terminated &= server.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      terminated = false;
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    if (terminated) {
      LOG.info("xDS shutdown: all connections closed after {} ms", millis);
    } else {
      LOG.warn("xDS shutdown: connections still open after {} ms (grace {} ms); closing them now", millis,
          grace.toMillis());
    }
    close();
  }

  private List<Server> listeners() {
    List<Server> servers = new ArrayList<>();
    if (server != null) {
      servers.add(server);
    }
    if (tlsServer != null) {
      servers.add(tlsServer);
    }
    return servers;
  }

  @Override
  public synchronized void close() {
    if (tlsFiles != null) {
      tlsFiles.close();
      tlsFiles = null;
    }
    List<Server> servers = listeners();
    servers.forEach(Server::shutdownNow);
    for (Server s : servers) {
      try {
        s.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    server = null;
    tlsServer = null;
    // Let the calls' close events that are already queued run (they forget the connections).
    workers.shutdown();
    try {
      if (!workers.awaitTermination(2, TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
