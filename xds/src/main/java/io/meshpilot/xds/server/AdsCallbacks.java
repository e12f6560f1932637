package io.meshpilot.xds.server;

import com.google.rpc.Status;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.exception.RequestException;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.meshpilot.xds.XdsEvents;
import io.meshpilot.xds.auth.AuthDecision;
import io.meshpilot.xds.auth.NodeClaim;
import io.meshpilot.xds.auth.XdsAuthInterceptor;
import io.meshpilot.xds.auth.XdsAuthenticator;
import io.meshpilot.xds.proxy.InvalidProxyException;
import io.meshpilot.xds.proxy.Proxy;
import java.time.Clock;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stream lifecycle for the discovery server: identifies the proxy from the first request's node
 * (refusing the stream with INVALID_ARGUMENT if it cannot, and with UNAUTHENTICATED or
 * PERMISSION_DENIED if the {@link XdsAuthenticator} refuses the caller for it), registers it with
 * the cache, and feeds every request and response into the {@link SyncStatusRegistry}; reports
 * connections, NACKs and stale nonces as {@link XdsEvents}.
 */
final class AdsCallbacks implements DiscoveryServerCallbacks {
  private static final Logger LOG = LoggerFactory.getLogger(AdsCallbacks.class);

  private final ResourceSource source;
  private final XdsCache cache;
  private final SyncStatusRegistry registry;
  private final Clock clock;
  private final XdsEvents events;
  private final XdsAuthenticator authenticator;
  private final Map<Long, StreamHandle> streams = new ConcurrentHashMap<>();

  AdsCallbacks(ResourceSource source, XdsCache cache, SyncStatusRegistry registry, Clock clock,
      XdsEvents events, XdsAuthenticator authenticator) {
    this.source = source;
    this.cache = cache;
    this.registry = registry;
    this.clock = clock;
    this.events = events;
    this.authenticator = authenticator;
  }

  @Override
  public void onStreamOpen(long streamId, String typeUrl) {
    StreamHandle handle = StreamContext.current().orElseGet(() -> new StreamHandle(""));
    handle.streamId(streamId);
    streams.put(streamId, handle);
  }

  @Override
  public void onV3StreamRequest(long streamId, DiscoveryRequest request) throws RequestException {
    ProxyConnection connection = identify(streamId, request.getNode(), "sotw");
    Optional<XdsType> type = XdsType.ofTypeUrl(request.getTypeUrl());
    if (type.isEmpty()) {
      return;
    }
    Set<String> names = Set.copyOf(request.getResourceNamesList());
    SyncStatusRegistry.RequestKind kind = registry.requested(connection.id(), type.get(),
        request.getResponseNonce(), request.getVersionInfo(), error(request.hasErrorDetail(),
            request.getErrorDetail()), old -> names, clock.instant());
    logRequest(connection, type.get(), kind, request.getErrorDetail());
    report(connection, type.get(), kind, request.getErrorDetail());
  }

  @Override
  public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request)
      throws RequestException {
    ProxyConnection connection = identify(streamId, request.getNode(), "delta");
    Optional<XdsType> type = XdsType.ofTypeUrl(request.getTypeUrl());
    if (type.isEmpty()) {
      return;
    }
    UnaryOperator<Set<String>> names = old -> {
      Set<String> updated = new HashSet<>(old);
      updated.addAll(request.getResourceNamesSubscribeList());
      request.getResourceNamesUnsubscribeList().forEach(updated::remove);
      return updated;
    };
    SyncStatusRegistry.RequestKind kind = registry.requested(connection.id(), type.get(),
        request.getResponseNonce(), null,
        error(request.hasErrorDetail(), request.getErrorDetail()), names, clock.instant());
    logRequest(connection, type.get(), kind, request.getErrorDetail());
    report(connection, type.get(), kind, request.getErrorDetail());
  }

  @Override
  public void onV3StreamResponse(long streamId, DiscoveryRequest request,
      DiscoveryResponse response) {
    recordSent(streamId, response.getTypeUrl(), response.getNonce(), response.getVersionInfo(),
        response.getResourcesCount());
  }

  @Override
  public void onV3StreamDeltaResponse(long streamId, DeltaDiscoveryRequest request,
      DeltaDiscoveryResponse response) {
    recordSent(streamId, response.getTypeUrl(), response.getNonce(),
        response.getSystemVersionInfo(), response.getResourcesCount());
  }

  @Override
  public void onStreamClose(long streamId, String typeUrl) {
    Optional.ofNullable(streams.get(streamId)).ifPresent(this::end);
  }

  @Override
  public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
    Optional.ofNullable(streams.get(streamId)).ifPresent(this::end);
  }

  /** Forgets a stream; safe to call more than once (close callbacks and context cancellation). */
  void end(StreamHandle handle) {
    if (!handle.end()) {
      return;
    }
    streams.remove(handle.streamId());
    ProxyConnection connection = handle.connection();
    if (connection != null) {
      cache.disconnect(connection);
      registry.close(connection.id());
      events.proxyDisconnected(connection.proxy().istioVersion());
      LOG.info("ADS: connection {} closed", connection.id());
    }
  }

  private ProxyConnection identify(long streamId, Node node, String protocol)
      throws RequestException {
    StreamHandle handle = streams.computeIfAbsent(streamId, id -> new StreamHandle(""));
    ProxyConnection known = handle.connection();
    if (known != null) {
      return known;
    }
    if (node.getId().isEmpty()) {
      throw refuse(handle, "the first request must carry node.id");
    }
    Proxy proxy;
    try {
      proxy = source.proxy(node);
    } catch (InvalidProxyException e) {
      throw refuse(handle, "invalid node " + node.getId() + ": " + e.getMessage());
    }
    if (authenticator.authenticate(XdsAuthInterceptor.current(), NodeClaim.of(proxy, node))
        instanceof AuthDecision.Refused refused) {
      LOG.warn("ADS: refused stream from {} for node {}: {}", handle.peer(), node.getId(), refused.reason());
      throw new RequestException(refused.status());
    }
    ProxyConnection connection = cache.connect(proxy, handle.peer(), clock.instant());
    registry.open(connection.id(), proxy, handle.peer(), connection.connectedAt());
    handle.connection(connection);
    events.proxyConnected(proxy.istioVersion());
    LOG.info("ADS: new {} connection {} from {}", protocol, connection.id(), handle.peer());
    return connection;
  }

  private static RequestException refuse(StreamHandle handle, String reason) {
    LOG.warn("ADS: refused stream from {}: {}", handle.peer(), reason);
    return new RequestException(io.grpc.Status.INVALID_ARGUMENT.withDescription(reason));
  }

  private void recordSent(long streamId, String typeUrl, String nonce, String version,
      int resources) {
    StreamHandle handle = streams.get(streamId);
    Optional<XdsType> type = XdsType.ofTypeUrl(typeUrl);
    if (handle == null || handle.connection() == null || type.isEmpty()) {
      return;
    }
    registry.sent(handle.connection().id(), type.get(), nonce, version, clock.instant());
    LOG.debug("ADS:{}: PUSH {} resources:{} version:{} nonce:{}", type.get().shortName()
        .toUpperCase(), handle.connection().id(), resources, version, nonce);
  }

  private static Optional<String> error(boolean present, Status status) {
    return present ? Optional.of(status.getMessage()) : Optional.empty();
  }

  private void report(ProxyConnection connection, XdsType type,
      SyncStatusRegistry.RequestKind kind, Status error) {
    switch (kind) {
      case NACK -> events.rejected(type.shortName(), connection.proxy().id(), error.getMessage());
      case STALE -> events.expiredNonce(type.shortName());
      default -> { }
    }
  }

  private static void logRequest(ProxyConnection connection, XdsType type,
      SyncStatusRegistry.RequestKind kind, Status error) {
    String typeName = type.shortName().toUpperCase();
    switch (kind) {
      case NACK -> LOG.warn("ADS:{}: ACK ERROR {} {}:{}", typeName, connection.id(),
          io.grpc.Status.fromCodeValue(error.getCode()).getCode(), error.getMessage());
      case STALE -> LOG.debug("ADS:{}: expired nonce from {}", typeName, connection.id());
      default -> LOG.debug("ADS:{}: {} from {}", typeName, kind, connection.id());
    }
  }
}
