package io.meshpilot.xds.grpc;

import java.util.Optional;

/**
 * A {@code host:port} pair as gRPC spells it in resource names: {@code reviews:9080},
 * {@code 10.96.0.12:9080}, {@code [::]:8080}. The host keeps no brackets.
 */
record HostPort(String host, int port) {

  /** Parses {@code host:port} (IPv6 hosts in brackets); empty when there is no valid port. */
  static Optional<HostPort> parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      return Optional.empty();
    }
    String host = text.substring(0, colon);
    String portText = text.substring(colon + 1);
    if (portText.length() > 5 || !portText.chars().allMatch(Character::isDigit)) {
      return Optional.empty();
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      return Optional.empty(); // an unbracketed IPv6 address has no unambiguous port
    }
    int port = Integer.parseInt(portText);
    if (host.isEmpty() || port < 1 || port > 65535) {
      return Optional.empty();
    }
    return Optional.of(new HostPort(host, port));
  }
}
