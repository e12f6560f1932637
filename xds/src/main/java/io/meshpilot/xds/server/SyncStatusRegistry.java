package io.meshpilot.xds.server;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sync state of every connected proxy, for debug endpoints: a view over the connections (each
 * {@link ProxyConnection} owns its own state), plus the server's push, reject and expired-nonce
 * counters.
 */
public final class SyncStatusRegistry {
  private final Map<String, ProxyConnection> connections;
  private final XdsCounters counters;

  SyncStatusRegistry(Map<String, ProxyConnection> connections, XdsCounters counters) {
    this.connections = connections;
    this.counters = counters;
  }

  /** Every connected proxy, sorted by connection id. */
  public List<ProxySyncState> proxies() {
    return connections.values().stream()
        .map(ProxyConnection::syncState)
        .sorted(Comparator.comparing(ProxySyncState::connectionId))
        .toList();
  }

  /** One connection's state, if it is connected. */
  public Optional<ProxySyncState> proxy(String connectionId) {
    return Optional.ofNullable(connections.get(connectionId)).map(ProxyConnection::syncState);
  }

  /** What one connection's proxy holds and is owed, if it is connected (see {@link ProxyHoldings}). */
  public Optional<ProxyHoldings> holdings(String connectionId) {
    return Optional.ofNullable(connections.get(connectionId)).map(ProxyConnection::holdings);
  }

  /** Number of connected proxies ({@code pilot_xds}). */
  public int connectedCount() {
    return connections.size();
  }

  /** Push, reject and expired-nonce counters. */
  public XdsCounters counters() {
    return counters;
  }
}
