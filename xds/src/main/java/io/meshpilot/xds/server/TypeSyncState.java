package io.meshpilot.xds.server;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Where one proxy stands for one xDS type (istiod's {@code WatchedResource}).
 *
 * @param type the xDS type
 * @param nonceSent nonce of the last response sent; empty if none
 * @param nonceAcked nonce the proxy last ACKed; empty if none
 * @param versionSent version_info (Delta: system_version_info) of the last response sent
 * @param versionAcked version the proxy last ACKed
 * @param lastSent when the last response was sent
 * @param lastError the message of the last NACK, cleared by the next ACK
 * @param lastErrorAt when that NACK arrived
 * @param watchedNames resource names the proxy subscribed to (empty for wildcard CDS/LDS)
 */
public record TypeSyncState(XdsType type, String nonceSent, String nonceAcked, String versionSent,
    String versionAcked, Optional<Instant> lastSent, Optional<String> lastError,
    Optional<Instant> lastErrorAt, Set<String> watchedNames) {
  public TypeSyncState {
    watchedNames = Set.copyOf(watchedNames);
  }

  static TypeSyncState empty(XdsType type) {
    return new TypeSyncState(type, "", "", "", "", Optional.empty(), Optional.empty(),
        Optional.empty(), Set.of());
  }

  /** ERROR if the last answer was a NACK, NOT SENT if nothing was sent, SYNCED if the last send was ACKed, else STALE. */
  public SyncStatus status() {
    if (lastError.isPresent()) {
      return SyncStatus.ERROR;
    }
    if (nonceSent.isEmpty()) {
      return SyncStatus.NOT_SENT;
    }
    return nonceAcked.equals(nonceSent) ? SyncStatus.SYNCED : SyncStatus.STALE;
  }

  TypeSyncState withSent(String nonce, String version, Instant at) {
    return new TypeSyncState(type, nonce, nonceAcked, version, versionAcked, Optional.of(at),
        lastError, lastErrorAt, watchedNames);
  }

  TypeSyncState withAck(String nonce, String version) {
    return new TypeSyncState(type, nonceSent, nonce, versionSent, version, lastSent,
        Optional.empty(), Optional.empty(), watchedNames);
  }

  TypeSyncState withNack(String error, Instant at) {
    return new TypeSyncState(type, nonceSent, nonceAcked, versionSent, versionAcked, lastSent,
        Optional.of(error), Optional.of(at), watchedNames);
  }

  TypeSyncState withNames(Set<String> names) {
    return new TypeSyncState(type, nonceSent, nonceAcked, versionSent, versionAcked, lastSent,
        lastError, lastErrorAt, names);
  }
}
