package io.meshpilot.xds.server;

import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * One xDS type on one stream: the names the proxy watches, what it was sent and what it accepted
 * (references to shared {@link ResourceSet}s, not copies), whether a request of it waits for an
 * answer, and the nonce/version bookkeeping that syncz shows. Not thread-safe: its
 * {@link ProxyConnection} serialises access.
 */
final class Subscription {
  final XdsType type;
  // Whether the names select what is generated: always for EDS and RDS; for CDS and LDS only when
  // a proxyless client names them.
  boolean named;
  Set<String> names = Set.of();
  // What the proxy was last sent, a NACKed response included, so a rejection is not answered by a resend.
  ResourceVersions sent = ResourceSet.EMPTY;
  // What the proxy last accepted: a response after a NACK carries everything that differs from it.
  ResourceVersions acked = ResourceSet.EMPTY;
  // A request waits for an answer (one response in flight per type, as java-control-plane does).
  boolean requested;
  // Nothing was sent yet: the first answer goes out even when empty.
  boolean first = true;
  String nonceSent = "";
  String nonceAcked = "";
  String versionSent = "";
  String versionAcked = "";
  Optional<Instant> lastSent = Optional.empty();
  Optional<String> lastError = Optional.empty();
  Optional<Instant> lastErrorAt = Optional.empty();
  long lastResponseBytes;

  Subscription(XdsType type) {
    this.type = type;
    this.named = !type.wildcard();
  }

  /** True when the proxy names what it wants and names nothing: there is nothing to answer. */
  boolean watchesNothing() {
    return named && names.isEmpty();
  }

  void ack(String nonce, String version) {
    acked = sent;
    nonceAcked = nonce;
    versionAcked = version;
    lastError = Optional.empty();
    lastErrorAt = Optional.empty();
  }

  void nack(String error, Instant at) {
    lastError = Optional.of(error);
    lastErrorAt = Optional.of(at);
  }

  void sent(ResourceVersions held, String version, String nonce, Instant at, long bytes) {
    sent = held;
    nonceSent = nonce;
    versionSent = version;
    lastSent = Optional.of(at);
    lastResponseBytes = bytes;
    requested = false;
    first = false;
  }

  /**
   * Replaces the watched names; a set equal to the names of a part the proxy already holds is
   * stored as that part's (shared) name set.
   *
   * @return true if the names changed
   */
  boolean names(Collection<String> requested) {
    // Envoy repeats every name in every SotW request: compare before copying anything.
    if (requested.size() == names.size() && names.containsAll(requested)) {
      return false;
    }
    Set<String> next = Set.copyOf(requested);
    if (next.equals(names)) {
      return false; // the same names, one of them repeated
    }
    names = next;
    return true;
  }

  /** Shares the generated set's name set when it equals the watched names (memory per proxy). */
  void shareNames(ResourceSet current) {
    if (named && current.parts().size() == 1) {
      Set<String> shared = current.parts().getFirst().names();
      if (shared != names && shared.size() == names.size() && shared.equals(names)) {
        names = shared;
      }
    }
  }

  TypeSyncState syncState() {
    return new TypeSyncState(type, nonceSent, nonceAcked, versionSent, versionAcked, lastSent,
        lastError, lastErrorAt, named ? names : Set.of());
  }
}
