package io.meshpilot.xds.server;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What meshpilot knows about one gRPC stream before and after its proxy is identified: the peer,
 * java-control-plane's stream id and, once the first request's node is parsed, the connection.
 */
final class StreamHandle {
  private final String peer;
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile long streamId = -1;
  private volatile ProxyConnection connection;

  StreamHandle(String peer) {
    this.peer = peer;
  }

  String peer() {
    return peer;
  }

  long streamId() {
    return streamId;
  }

  void streamId(long id) {
    streamId = id;
  }

  ProxyConnection connection() {
    return connection;
  }

  void connection(ProxyConnection value) {
    connection = value;
  }

  /** True exactly once: for the caller that ends the stream. */
  boolean end() {
    return ended.compareAndSet(false, true);
  }
}
