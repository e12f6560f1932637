package io.meshpilot.xds;

import java.time.Duration;

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
}
