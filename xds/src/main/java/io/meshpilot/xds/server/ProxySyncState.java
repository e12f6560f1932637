package io.meshpilot.xds.server;

import io.meshpilot.xds.proxy.Proxy;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A snapshot of one connected proxy's sync state, for debug endpoints (syncz, proxy-status).
 *
 * @param connectionId {@code <proxy.id>-<counter>}, unique per stream
 * @param proxy the proxy parsed from the stream's node
 * @param peerAddress the client's address as {@code ip:port}
 * @param connectedAt when the stream was identified
 * @param types state per type the proxy has requested or been sent, in push order
 */
public record ProxySyncState(String connectionId, Proxy proxy, String peerAddress,
    Instant connectedAt, Map<XdsType, TypeSyncState> types) {
  public ProxySyncState {
    Map<XdsType, TypeSyncState> copy = new EnumMap<>(XdsType.class);
    copy.putAll(types);
    types = Collections.unmodifiableMap(copy);
  }

  /** The state of one type; empty (NOT SENT) if the proxy never asked for it. */
  public TypeSyncState type(XdsType type) {
    return types.getOrDefault(type, TypeSyncState.empty(type));
  }
}
