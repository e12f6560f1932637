package io.meshpilot.debughttp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether an HTTP {@code Host} header names this machine's loopback: {@code localhost} (and
 * {@code *.localhost}), an IPv4 address in 127.0.0.0/8 or {@code [::1]}, with or without a port.
 * Decided on the text alone, never by resolving a name. A loopback caller whose Host is anything
 * else is a browser that was sent here by a name it resolved to 127.0.0.1 (DNS rebinding, e.g.
 * through {@code kubectl port-forward}), not a local tool.
 */
final class LoopbackHost {
  private static final Pattern IPV4 = Pattern.compile("127(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern PORT = Pattern.compile("\\d{1,5}");

  private LoopbackHost() {}

  static boolean isLoopback(String hostHeader) {
    String host = hostHeader.strip().toLowerCase(Locale.ROOT);
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      if (end < 0 || !portOrNothing(host.substring(end + 1))) {
        return false;
      }
      return isIpv6Loopback(host.substring(1, end));
    }
    int colon = host.indexOf(':');
    if (colon >= 0) {
      if (!portOrNothing(host.substring(colon))) {
        return false;
      }
      host = host.substring(0, colon);
    }
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    return host.equals("localhost") || host.endsWith(".localhost") || IPV4.matcher(host).matches();
  }

  /** {@code ""} or {@code :<port>}. */
  private static boolean portOrNothing(String rest) {
    return rest.isEmpty() || (rest.startsWith(":") && PORT.matcher(rest.substring(1)).matches());
  }

  private static boolean isIpv6Loopback(String literal) {
    if (literal.isEmpty() || !literal.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
      return false; // only hex digits, colons and dots: an IPv6 literal, which getByName parses without DNS
    }
    try {
      return InetAddress.getByName(literal).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
