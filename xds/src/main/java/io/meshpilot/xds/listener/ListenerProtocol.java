package io.meshpilot.xds.listener;

import io.meshpilot.registry.model.Protocol;
import java.util.Optional;

/** How a listener treats a service port (reference istio-xds.md §1.3 table); UDP gets no listener. */
enum ListenerProtocol {
  HTTP,
  TCP,
  /** Unnamed or unknown protocol: sniffed at runtime. */
  AUTO;

  static Optional<ListenerProtocol> of(Protocol protocol) {
    if (protocol == Protocol.UDP) {
      return Optional.empty();
    }
    if (protocol.isHttp()) {
      return Optional.of(HTTP);
    }
    return Optional.of(protocol.isTcp() ? TCP : AUTO);
  }
}
