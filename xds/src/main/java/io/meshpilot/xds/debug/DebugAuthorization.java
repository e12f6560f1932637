package io.meshpilot.xds.debug;

import io.grpc.Status;
import io.meshpilot.xds.auth.SpiffeIdentity;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who may read debug types over xDS, istiod's rules: with {@code ENABLE_DEBUG_ENDPOINT_AUTH} (the
 * default) the caller needs a verified identity (a client certificate or a reviewed token on the
 * TLS port; a plaintext stream has none), and an identity outside the system namespace and
 * {@code DEBUG_ENDPOINT_AUTH_ALLOWED_NAMESPACES} sees only the proxies of its own namespace.
 *
 * @param required {@code ENABLE_DEBUG_ENDPOINT_AUTH}; false lets every caller see every proxy
 * @param systemNamespace the mesh root namespace (MeshConfig {@code rootNamespace}, {@code istio-system})
 * @param allowedNamespaces namespaces whose identities see every proxy too
 */
public record DebugAuthorization(boolean required, String systemNamespace, Set<String> allowedNamespaces) {
  public DebugAuthorization {
    Objects.requireNonNull(systemNamespace, "systemNamespace");
    allowedNamespaces = Set.copyOf(allowedNamespaces);
  }

  /** istiod's defaults: identity required, system namespace {@code istio-system}, no other namespace. */
  public static DebugAuthorization defaults() {
    return new DebugAuthorization(true, "istio-system", Set.of());
  }

  /**
   * The namespace whose proxies the caller may see; empty for every proxy.
   *
   * @param identities the caller's verified identities (istiod uses the first)
   * @throws io.grpc.StatusRuntimeException {@code UNAUTHENTICATED} (istiod's text) when an identity is
   *     required and there is none
   */
  public Optional<String> scope(List<SpiffeIdentity> identities) {
    if (!required) {
      return Optional.empty();
    }
    if (identities.isEmpty()) {
      throw Status.UNAUTHENTICATED.withDescription("authentication required").asRuntimeException();
    }
    String namespace = identities.get(0).namespace();
    if (namespace.equals(systemNamespace) || allowedNamespaces.contains(namespace)) {
      return Optional.empty();
    }
    return Optional.of(namespace);
  }
}
