package io.meshpilot.xds.server;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one connection's proxy was sent and accepted, per type, with what it still owes: the
 * per-resource versions {@code /debug/why} compares with the current config. A snapshot of the
 * {@link ProxyConnection}'s own bookkeeping; nothing here is kept per hostname.
 *
 * @param sync the connection's sync state (nonces, versions, NACK)
 * @param streamReady false while gRPC flow control holds responses back (the proxy is not reading)
 * @param lastPush when a push last reached this connection (push scoping let it through), if ever
 * @param types per type the proxy has asked for, in push order
 */
public record ProxyHoldings(ProxySyncState sync, boolean streamReady, Optional<Instant> lastPush,
    Map<XdsType, TypeHolding> types) {
  public ProxyHoldings {
    Objects.requireNonNull(sync, "sync");
    Objects.requireNonNull(lastPush, "lastPush");
    Map<XdsType, TypeHolding> copy = new EnumMap<>(XdsType.class);
    copy.putAll(types);
    types = Collections.unmodifiableMap(copy);
  }

  /**
   * One type on the connection.
   *
   * @param requested a request of this type waits for an answer (false: the last response is not
   *     ACKed or NACKed yet, so nothing more is sent)
   * @param pending a push or request marked this type and it was not answered yet
   * @param sent the versions of the last response, a NACKed one included
   * @param acked the versions the proxy last accepted
   */
  public record TypeHolding(boolean requested, boolean pending, ResourceVersions sent, ResourceVersions acked) {
    public TypeHolding {
      Objects.requireNonNull(sent, "sent");
      Objects.requireNonNull(acked, "acked");
    }
  }
}
