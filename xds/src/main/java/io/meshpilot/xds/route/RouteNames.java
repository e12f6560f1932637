package io.meshpilot.xds.route;

import java.util.Optional;

/**
 * The RDS names sidecar listeners ask for (reference istio-xds.md §2.1): {@code "<port>"} from a
 * wildcard HTTP listener, {@code "<hostname>:<port>"} from a sniffed listener on a VIP.
 */
public final class RouteNames {
  private RouteNames() {}

  public static String forPort(int port) {
    return Integer.toString(port);
  }

  public static String forService(String hostname, int port) {
    return hostname + ":" + port;
  }

  /** The port of a {@code "<port>"} name. */
  static Optional<Integer> parsePort(String name) {
    return name.chars().allMatch(Character::isDigit) ? port(name) : Optional.empty();
  }

  /** The hostname and port of a {@code "<hostname>:<port>"} name. */
  static Optional<ServicePort> parseService(String name) {
    int colon = name.lastIndexOf(':');
    if (colon <= 0) {
      return Optional.empty();
    }
    String portText = name.substring(colon + 1);
    if (!portText.chars().allMatch(Character::isDigit)) {
      return Optional.empty();
    }
    return port(portText).map(p -> new ServicePort(name.substring(0, colon), p));
  }

  private static Optional<Integer> port(String text) {
    if (text.isEmpty() || text.length() > 5) {
      return Optional.empty();
    }
    int port = Integer.parseInt(text);
    return port > 0 && port <= 65535 ? Optional.of(port) : Optional.empty();
  }

  record ServicePort(String hostname, int port) {}
}
