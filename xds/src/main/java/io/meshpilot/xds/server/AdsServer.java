package io.meshpilot.xds.server;

import io.envoyproxy.controlplane.server.DefaultExecutorGroup;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.controlplane.server.serializer.CachedProtoResourcesSerializer;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.meshpilot.xds.XdsEvents;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The xDS server: ADS (state of the world and Delta) plus the per-type CDS/EDS/LDS/RDS services,
 * on java-control-plane's discovery server with meshpilot's per-proxy cache. Connections are
 * answered on request; {@link #push} brings them up to date after a registry change.
 */
public final class AdsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdsServer.class);

  private final InetSocketAddress address;
  private final XdsCache cache;
  private final SyncStatusRegistry syncStatus = new SyncStatusRegistry();
  private final AdsCallbacks callbacks;
  private final V3DiscoveryServer discoveryServer;
  private Server server;

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
    this.address = address;
    this.cache = new XdsCache(source, events);
    this.callbacks = new AdsCallbacks(source, cache, syncStatus, Clock.systemUTC(), events);
    // The direct executor sends on the calling thread, inside the connection's lock, so responses
    // of one stream stay in order.
    this.discoveryServer = new V3DiscoveryServer(List.of(callbacks), cache,
        new DefaultExecutorGroup(), new CachedProtoResourcesSerializer());
  }

  /** Binds and starts serving. */
  public synchronized AdsServer start() throws IOException {
    StreamContext context = new StreamContext(callbacks::end);
    NettyServerBuilder builder = NettyServerBuilder.forAddress(address);
    for (BindableService service : List.of(
        discoveryServer.getAggregatedDiscoveryServiceImpl(),
        discoveryServer.getClusterDiscoveryServiceImpl(),
        discoveryServer.getEndpointDiscoveryServiceImpl(),
        discoveryServer.getListenerDiscoveryServiceImpl(),
        discoveryServer.getRouteDiscoveryServiceImpl())) {
      builder.addService(ServerInterceptors.intercept(service, context));
    }
    server = builder.build().start();
    LOG.info("xDS server listening on {}:{}", address.getHostString(), server.getPort());
    return this;
  }

  /** The bound port (after {@link #start()}). */
  public int port() {
    return server.getPort();
  }

  /** Ids of the connected streams ({@code <proxy.id>-<counter>}), sorted. */
  public List<String> connectionIds() {
    return cache.connectionIds();
  }

  /** Pushes to every connected proxy, one after the other, on the calling thread. */
  public void push(PushRequest request) {
    for (String id : cache.connectionIds()) {
      cache.push(id, request);
    }
  }

  /**
   * Pushes to one connection: regenerates what the request covers and answers its parked watches
   * whose content changed, in CDS, EDS, LDS, RDS order.
   *
   * @return false if the connection is gone
   */
  public boolean push(String connectionId, PushRequest request) {
    return cache.push(connectionId, request);
  }

  /** True if the connection's last request of this type waits for a push (nothing pending). */
  boolean waiting(String connectionId, XdsType type) {
    return cache.waiting(connectionId, type);
  }

  /** Per-proxy sync state, for debug endpoints. */
  public SyncStatusRegistry syncStatus() {
    return syncStatus;
  }

  @Override
  public synchronized void close() {
    if (server == null) {
      return;
    }
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server = null;
  }
}
