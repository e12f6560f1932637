package io.meshpilot.xds.auth;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an xDS caller presented when it opened its stream, captured by {@link XdsAuthInterceptor}:
 * whether the connection is TLS, the bearer token of its {@code authorization} metadata (as
 * pilot-agent sends it), and the URI SANs of its client certificate (SPIFFE ids), if it sent one.
 *
 * @param tls the stream arrived on a TLS connection
 * @param bearerToken the token after {@code Bearer }, if the metadata carried one
 * @param certificateUris the URI subject alternative names of the verified client certificate
 */
public record CallerCredentials(boolean tls, Optional<String> bearerToken, List<String> certificateUris) {
  /** A plaintext caller that presented nothing. */
  public static final CallerCredentials PLAINTEXT = new CallerCredentials(false, Optional.empty(), List.of());

  public CallerCredentials {
    Objects.requireNonNull(bearerToken, "bearerToken");
    certificateUris = List.copyOf(certificateUris);
  }

  @Override
  public String toString() {
    // never print the token
    return "CallerCredentials[tls=" + tls + ", bearerToken=" + (bearerToken.isPresent() ? "<present>" : "<none>")
        + ", certificateUris=" + certificateUris + "]";
  }
}
