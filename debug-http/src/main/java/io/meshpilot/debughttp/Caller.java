package io.meshpilot.debughttp;

import io.micronaut.http.HttpRequest;
import java.util.Objects;
import java.util.Optional;

/**
 * Who is reading a debug endpoint, as {@link DebugAccess} decided it.
 *
 * @param name for logs: {@code loopback}, {@code token-file}, or the Kubernetes user name
 * @param namespace the only namespace the caller may see; empty for full access
 */
record Caller(String name, Optional<String> namespace) {
  static final String ATTRIBUTE = "meshpilot.debug.caller";

  Caller {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(namespace, "namespace");
  }

  static Caller full(String name) {
    return new Caller(name, Optional.empty());
  }

  static Caller scoped(String name, String namespace) {
    return new Caller(name, Optional.of(namespace));
  }

  /** The caller the access filter attached to the request (it does so on every {@code /debug/} request). */
  static Caller of(HttpRequest<?> request) {
    return request.getAttribute(ATTRIBUTE, Caller.class).orElseGet(() -> full("unfiltered"));
  }

  /** True if the caller may see proxies and config of this namespace. */
  boolean sees(String proxyNamespace) {
    return namespace.isEmpty() || namespace.get().equals(proxyNamespace);
  }
}
