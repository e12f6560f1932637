package io.meshpilot.registry.serviceentry;

import java.util.Objects;

/**
 * One entry of ServiceEntry {@code spec.ports}.
 *
 * @param name the port name ({@code ""} when absent; validation requires one)
 * @param number the service port
 * @param protocol the protocol string as written ({@code ""} when absent), parsed later as a whole
 * @param targetPort the endpoint port when the endpoint does not name one; 0 when unset
 */
public record SePort(String name, int number, String protocol, int targetPort) {
  public SePort {
    name = Objects.requireNonNullElse(name, "");
    protocol = Objects.requireNonNullElse(protocol, "");
  }
}
