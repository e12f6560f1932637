package io.meshpilot.xds.auth;

import java.util.Objects;
import java.util.Optional;

/**
 * An Istio workload identity, {@code spiffe://<trustDomain>/ns/<namespace>/sa/<serviceAccount>}:
 * what a client certificate's URI SAN says, or what a reviewed service-account token maps to.
 */
public record SpiffeIdentity(String trustDomain, String namespace, String serviceAccount) {
  private static final String SCHEME = "spiffe://";
  private static final String SERVICE_ACCOUNT_USER = "system:serviceaccount:";

  public SpiffeIdentity {
    Objects.requireNonNull(trustDomain, "trustDomain");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(serviceAccount, "serviceAccount");
  }

  /** Parses {@code spiffe://td/ns/N/sa/S}, exactly those segments, each non-empty; empty otherwise. */
  public static Optional<SpiffeIdentity> parse(String uri) {
    if (uri == null || !uri.startsWith(SCHEME)) {
      return Optional.empty();
    }
    String[] parts = uri.substring(SCHEME.length()).split("/", -1);
    if (parts.length != 5 || !parts[1].equals("ns") || !parts[3].equals("sa")
        || parts[0].isEmpty() || parts[2].isEmpty() || parts[4].isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new SpiffeIdentity(parts[0], parts[2], parts[4]));
  }

  /**
   * The identity of a Kubernetes user name {@code system:serviceaccount:<ns>:<sa>} (what a
   * TokenReview of a service-account token answers) in {@code trustDomain}; empty for other users.
   */
  public static Optional<SpiffeIdentity> ofServiceAccountUser(String username, String trustDomain) {
    if (username == null || !username.startsWith(SERVICE_ACCOUNT_USER)) {
      return Optional.empty();
    }
    String[] parts = username.substring(SERVICE_ACCOUNT_USER.length()).split(":", -1);
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new SpiffeIdentity(trustDomain, parts[0], parts[1]));
  }

  @Override
  public String toString() {
    return SCHEME + trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount;
  }
}
