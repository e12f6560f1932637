package io.meshpilot.xds.server;

import io.meshpilot.xds.proxy.Proxy;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Per connected proxy and type: nonces and versions sent and ACKed, last send, last NACK and
 * watched names. Fed by the server's stream callbacks; read by debug endpoints.
 */
public final class SyncStatusRegistry {
  /** How a request relates to the last response of its type. */
  enum RequestKind { INITIAL, ACK, NACK, STALE }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final XdsCounters counters = new XdsCounters();

  /** Every connected proxy, sorted by connection id. */
  public List<ProxySyncState> proxies() {
    return entries.values().stream()
        .map(Entry::snapshot)
        .sorted(Comparator.comparing(ProxySyncState::connectionId))
        .toList();
  }

  /** One connection's state, if it is connected. */
  public Optional<ProxySyncState> proxy(String connectionId) {
    return Optional.ofNullable(entries.get(connectionId)).map(Entry::snapshot);
  }

  /** Number of connected proxies ({@code pilot_xds}). */
  public int connectedCount() {
    return entries.size();
  }

  /** Push, reject and expired-nonce counters. */
  public XdsCounters counters() {
    return counters;
  }

  void open(String connectionId, Proxy proxy, String peer, Instant at) {
    entries.put(connectionId, new Entry(connectionId, proxy, peer, at));
  }

  void close(String connectionId) {
    entries.remove(connectionId);
  }

  /**
   * Records a request.
   *
   * @param nonce the response_nonce
   * @param version the version the proxy reports (SotW); null to take the version of the
   *     response it ACKs (Delta requests carry none)
   * @param error the NACK message, if the request carries error_detail
   * @param names how the request changes the watched names
   */
  RequestKind requested(String connectionId, XdsType type, String nonce, String version,
      Optional<String> error, UnaryOperator<Set<String>> names, Instant at) {
    Entry entry = entries.get(connectionId);
    if (entry == null) {
      return RequestKind.INITIAL;
    }
    synchronized (entry) {
      TypeSyncState state = entry.state(type);
      state = state.withNames(names.apply(state.watchedNames()));
      RequestKind kind;
      if (error.isPresent()) {
        kind = RequestKind.NACK;
        state = state.withNack(error.get(), at);
        counters.rejected(type);
      } else if (nonce.isEmpty()) {
        kind = RequestKind.INITIAL;
      } else if (nonce.equals(state.nonceSent())) {
        kind = RequestKind.ACK;
        state = state.withAck(nonce, version == null ? state.versionSent() : version);
      } else {
        kind = RequestKind.STALE;
        counters.expiredNonce(type);
      }
      entry.types.put(type, state);
      return kind;
    }
  }

  void sent(String connectionId, XdsType type, String nonce, String version, Instant at) {
    counters.pushed(type);
    Entry entry = entries.get(connectionId);
    if (entry == null) {
      return;
    }
    synchronized (entry) {
      entry.types.put(type, entry.state(type).withSent(nonce, version, at));
    }
  }

  private static final class Entry {
    final String connectionId;
    final Proxy proxy;
    final String peer;
    final Instant connectedAt;
    final Map<XdsType, TypeSyncState> types = new EnumMap<>(XdsType.class);

    Entry(String connectionId, Proxy proxy, String peer, Instant connectedAt) {
      this.connectionId = connectionId;
      this.proxy = proxy;
      this.peer = peer;
      this.connectedAt = connectedAt;
    }

    TypeSyncState state(XdsType type) {
      return types.getOrDefault(type, TypeSyncState.empty(type));
    }

    synchronized ProxySyncState snapshot() {
      return new ProxySyncState(connectionId, proxy, peer, connectedAt, types);
    }
  }
}
