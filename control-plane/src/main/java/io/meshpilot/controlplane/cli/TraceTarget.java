package io.meshpilot.controlplane.cli;

import java.net.URI;
import java.util.Locale;

/**
 * The request a trace follows, from a URL: {@code http://reviews.default.svc.cluster.local:9080/x?y=1},
 * {@code https://host/} (TLS: SNI, no HTTP routing) or {@code tcp://10.96.0.1:5432}.
 *
 * @param scheme {@code http}, {@code https} or {@code tcp}
 * @param host the host as written (name or IP, IPv6 without brackets)
 * @param port the destination port (scheme default when absent)
 * @param explicitPort whether the URL named the port (then the Host header carries it)
 * @param path the request path without query, {@code /} when absent, still percent-encoded
 * @param query the query string without {@code ?}, still percent-encoded; empty when absent
 */
record TraceTarget(String scheme, String host, int port, boolean explicitPort, String path, String query) {
  static TraceTarget parse(String url) {
    URI uri;
    try {
      uri = URI.create(url.contains("://") ? url : "http://" + url);
    } catch (IllegalArgumentException e) {
      throw new CliException("not a URL: " + url);
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("tcp")) {
      throw new CliException("trace follows http://, https:// or tcp:// URLs, not " + scheme + "://");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new CliException("no host in " + url);
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    boolean explicit = uri.getPort() > 0;
    if (!explicit && scheme.equals("tcp")) {
      throw new CliException("tcp:// needs a port: " + url);
    }
    int port = explicit ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
    return new TraceTarget(scheme, host.toLowerCase(Locale.ROOT), port, explicit, path, query);
  }

  boolean http() {
    return scheme.equals("http");
  }

  boolean tls() {
    return scheme.equals("https");
  }

  /** The Host header an HTTP client sends. */
  String authority() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return explicitPort ? h + ":" + port : h;
  }

  boolean hostIsIp() {
    return host.contains(":") || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
  }
}
