package io.meshpilot.registry.model;

import java.util.Objects;

/**
 * A service port: its name (may be empty), number and protocol.
 *
 * @param name the port name; {@code ""} when the source had none
 * @param port the service port number, 1–65535
 * @param protocol the detected application protocol
 */
public record Port(String name, int port, Protocol protocol) {
  public Port {
    name = name == null ? "" : name;
    Objects.requireNonNull(protocol, "protocol");
  }
}
