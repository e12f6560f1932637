package io.meshpilot.xds;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the discovery side reports as it works, for metrics and {@code /debug/push_status}. Every
 * method has a no-op default; implementations must be cheap and thread-safe (they are called on
 * push and stream threads). Type names are the short ones: {@code cds}, {@code eds}, {@code lds},
 * {@code rds}.
 */
public interface XdsEvents {
  /** No-op events. */
  XdsEvents NONE = new XdsEvents() {};

  /** A proxy connected ({@code version} = its ISTIO_VERSION, may be empty). */
  default void proxyConnected(String version) {}

  /** A proxy disconnected. */
  default void proxyDisconnected(String version) {}

  /** One response of one type was generated and sent to one proxy. */
  default void pushed(String type, String typeUrl, Duration generateAndSend, long bytes) {}

  /** Sending a response failed. */
  default void sendError(String type) {}

  /** A proxy NACKed a response of this type. */
  default void rejected(String type, String proxyId, String error) {}

  /** A request carried a nonce that is not the latest sent. */
  default void expiredNonce(String type) {}

  /** A proxy waited this long in the push queue. */
  default void queued(Duration wait) {}

  /** A proxy got every type of a push, this long after the push started. */
  default void converged(Duration sincePushStart) {}

  /** A debounced push window closed: from its first event until the push was handed out. */
  default void debounced(Duration window, int events, boolean full) {}

  /** A push was dequeued for a proxy; {@code reason} is istiod's trigger name (endpoint, service, proxyrequest, ...). */
  default void pushTrigger(String reason) {}

  /** A new push context was built. */
  default void pushContextBuilt(Duration took, int services) {}

  /**
   * A push began: its push context is built and every connection is about to be queued. The
   * per-proxy events of the push ({@link #queued}, {@link #pushed}, {@link #converged}) follow.
   */
  default void pushStarted(PushStart push) {}

  /**
   * One push as it began.
   *
   * @param version the push context version ({@code <RFC3339>/<counter>})
   * @param startedAt when the push was handed to the queue
   * @param full true for a push of every type, false for endpoints only
   * @param reasons istiod trigger names, sorted, with how many changes of each the push merges
   * @param proxies how many connections were queued
   */
  record PushStart(String version, Instant startedAt, boolean full, Map<String, Integer> reasons,
      int proxies) {
    public PushStart {
      reasons = Collections.unmodifiableMap(new TreeMap<>(reasons));
    }
  }
}
