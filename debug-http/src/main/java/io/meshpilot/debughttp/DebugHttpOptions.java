package io.meshpilot.debughttp;

import java.util.Objects;

/**
 * How to run the debug HTTP server.
 *
 * @param bindAddress the address to listen on, e.g. {@code 0.0.0.0} or {@code 127.0.0.1}
 * @param port the port to listen on (15014 in production); 0 picks a free port
 * @param version the text {@code /version} returns
 */
public record DebugHttpOptions(String bindAddress, int port, String version) {
  public DebugHttpOptions {
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(version, "version");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }
}
