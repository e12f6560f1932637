package io.meshpilot.xds.server;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.meshpilot.xds.XdsEvents;
import io.meshpilot.xds.proxy.Proxy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * meshpilot's {@link ConfigWatcher}: per-proxy state instead of java-control-plane's shared
 * snapshots. A watch is answered when the proxy lacks something (first request, new names,
 * changed content); a NACK parks the watch until that type's content for the proxy changes.
 */
final class XdsCache implements ConfigWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(XdsCache.class);

  private final ResourceSource source;
  private final XdsEvents events;
  private final Map<String, ProxyConnection> connections = new ConcurrentHashMap<>();
  private final AtomicLong counter = new AtomicLong();

  XdsCache(ResourceSource source, XdsEvents events) {
    this.source = source;
    this.events = events;
  }

  /** Registers a new stream of {@code proxy}; its id is {@code <proxy.id>-<counter>}. */
  ProxyConnection connect(Proxy proxy, String peer, Instant at) {
    String id = proxy.id() + "-" + counter.incrementAndGet();
    ProxyConnection connection = new ProxyConnection(id, proxy, peer, at, source, events);
    connections.put(id, connection);
    return connection;
  }

  void disconnect(ProxyConnection connection) {
    connections.remove(connection.id());
  }

  /** Connection ids, sorted. */
  List<String> connectionIds() {
    return connections.keySet().stream().sorted().toList();
  }

  /** Pushes to one connection; false if it is gone. */
  boolean push(String connectionId, PushRequest request) {
    ProxyConnection connection = connections.get(connectionId);
    if (connection == null) {
      return false;
    }
    connection.push(request);
    return true;
  }

  /** True if the connection's last request of this type waits for a push. */
  boolean waiting(String connectionId, XdsType type) {
    ProxyConnection connection = connections.get(connectionId);
    return connection != null && connection.waiting(type);
  }

  @Override
  public Watch createWatch(boolean ads, XdsRequest request, Set<String> knownResourceNames,
      Consumer<Response> responseConsumer, boolean hasClusterChanged,
      boolean allowDefaultEmptyEdsUpdate) {
    Watch watch = new Watch(ads, allowDefaultEmptyEdsUpdate, request, responseConsumer);
    Optional<XdsType> type = XdsType.ofTypeUrl(request.getTypeUrl());
    Optional<ProxyConnection> connection = connectionOfThisStream();
    if (type.isEmpty() || connection.isEmpty()) {
      LOG.debug("not answering {}: unserved type or unidentified stream", request.getTypeUrl());
      return watch;
    }
    connection.get().onRequest(type.get(), watch, hasClusterChanged);
    return watch;
  }

  @Override
  public DeltaWatch createDeltaWatch(DeltaXdsRequest request, String requesterVersion,
      Map<String, String> resourceVersions, Set<String> pendingResources, boolean isWildcard,
      Consumer<DeltaResponse> responseConsumer, boolean hasClusterChanged) {
    DeltaWatch watch = new DeltaWatch(request, resourceVersions, pendingResources,
        requesterVersion, isWildcard, responseConsumer);
    Optional<XdsType> type = XdsType.ofTypeUrl(request.getTypeUrl());
    Optional<ProxyConnection> connection = connectionOfThisStream();
    if (type.isEmpty() || connection.isEmpty()) {
      LOG.debug("not answering {}: unserved type or unidentified stream", request.getTypeUrl());
      return watch;
    }
    connection.get().onDeltaRequest(type.get(), watch);
    return watch;
  }

  private static Optional<ProxyConnection> connectionOfThisStream() {
    return StreamContext.current().map(StreamHandle::connection);
  }
}
