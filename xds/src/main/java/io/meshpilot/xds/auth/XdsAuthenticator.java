package io.meshpilot.xds.auth;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether an xDS stream may be served, as istiod does on its TLS port: the caller is
 * authenticated by its client certificate's SPIFFE identities, else by its bearer token (a
 * Kubernetes service-account token with audience {@code istio-ca}, checked by a
 * {@link TokenReviewer}); then the node it claims to be must match one of those identities: same
 * namespace, and same service account when the node names one. Plaintext streams are not
 * authenticated (istiod's 15010 is not either). Knobs: {@link XdsAuthOptions}.
 */
public final class XdsAuthenticator {
  private static final XdsAuthenticator DISABLED =
      new XdsAuthenticator(new XdsAuthOptions(false, false, "cluster.local"), TokenReviewer.NONE);

  private final XdsAuthOptions options;
  private final TokenReviewer reviewer;

  /**
   * @param options {@code XDS_AUTH}, {@code PILOT_ENABLE_XDS_IDENTITY_CHECK} and the trust domain
   * @param reviewer checks bearer tokens (for audience {@code istio-ca}); cache it, it runs per stream
   */
  public XdsAuthenticator(XdsAuthOptions options, TokenReviewer reviewer) {
    this.options = Objects.requireNonNull(options, "options");
    this.reviewer = Objects.requireNonNull(reviewer, "reviewer");
  }

  /** Allows every stream: no authentication configured. */
  public static XdsAuthenticator disabled() {
    return DISABLED;
  }

  public XdsAuthOptions options() {
    return options;
  }

  /**
   * @param caller what the stream presented (see {@link XdsAuthInterceptor})
   * @param claim the namespace and service account its first request's node claims
   */
  public AuthDecision authenticate(CallerCredentials caller, NodeClaim claim) {
    if (!options.enabled() || !caller.tls()) {
      return new AuthDecision.Allowed(List.of());
    }
    List<String> failures = new ArrayList<>();
    List<SpiffeIdentity> identities = certificateIdentities(caller, failures);
    if (identities.isEmpty()) {
      identities = tokenIdentities(caller, failures);
    }
    if (identities.isEmpty()) {
      return new AuthDecision.Refused(Status.Code.UNAUTHENTICATED,
          "authentication failed: " + String.join("; ", failures));
    }
    if (options.identityCheck() && identities.stream().noneMatch(id -> matches(id, claim))) {
      return new AuthDecision.Refused(Status.Code.PERMISSION_DENIED,
          "authorization failed: no identities (" + identities + ") matched " + claim);
    }
    return new AuthDecision.Allowed(identities);
  }

  private static List<SpiffeIdentity> certificateIdentities(CallerCredentials caller, List<String> failures) {
    if (caller.certificateUris().isEmpty()) {
      failures.add("no client certificate with a URI SAN");
      return List.of();
    }
    List<SpiffeIdentity> ids = caller.certificateUris().stream().map(SpiffeIdentity::parse)
        .flatMap(Optional::stream).toList();
    if (ids.isEmpty()) {
      failures.add("client certificate URI SANs " + caller.certificateUris() + " are no SPIFFE identities");
    }
    return ids;
  }

  private List<SpiffeIdentity> tokenIdentities(CallerCredentials caller, List<String> failures) {
    if (caller.bearerToken().isEmpty()) {
      failures.add("no bearer token in the authorization metadata");
      return List.of();
    }
    Optional<String> user;
    try {
      user = reviewer.review(caller.bearerToken().get());
    } catch (RuntimeException e) {
      failures.add("token review failed: " + e.getMessage());
      return List.of();
    }
    if (user.isEmpty()) {
      failures.add("the bearer token did not pass TokenReview (invalid, expired, or not for audience istio-ca)");
      return List.of();
    }
    Optional<SpiffeIdentity> id = SpiffeIdentity.ofServiceAccountUser(user.get(), options.trustDomain());
    if (id.isEmpty()) {
      failures.add("the bearer token belongs to " + user.get() + ", not to a service account");
      return List.of();
    }
    return List.of(id.get());
  }

  /** istiod's checkConnectionIdentity: namespace must match; service account too, if the node names one. */
  private static boolean matches(SpiffeIdentity id, NodeClaim claim) {
    return id.namespace().equals(claim.namespace())
        && (claim.serviceAccount().isEmpty() || id.serviceAccount().equals(claim.serviceAccount()));
  }
}
