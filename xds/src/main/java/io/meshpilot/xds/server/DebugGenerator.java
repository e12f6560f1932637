package io.meshpilot.xds.server;

import java.util.Optional;

/**
 * Answers istiod's debug-over-xDS requests ({@code istio.io/debug/syncz}, {@code
 * istio.io/debug/config_dump}) on an ADS stream, istiod's status generator. Such a request starts
 * no watch: it is answered once, never ACKed, and never pushed to again.
 */
@FunctionalInterface
public interface DebugGenerator {
  /** Serves no debug type: such requests are ignored like any unserved type. */
  DebugGenerator NONE = request -> Optional.empty();

  /**
   * @return the response to send, or empty if this type is not served (nothing is sent)
   * @throws io.grpc.StatusRuntimeException to end the stream with that status, as istiod ends it
   *     with {@code Unauthenticated} for a caller without a verified identity
   */
  Optional<DebugResponse> generate(DebugRequest request);
}
