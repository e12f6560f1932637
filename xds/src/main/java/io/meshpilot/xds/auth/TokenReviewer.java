package io.meshpilot.xds.auth;

import java.util.Optional;

/**
 * Authenticates a bearer token, as istiod's Kubernetes JWT authenticator does: in production a
 * Kubernetes TokenReview (debug-http's {@code KubeTokenReviewer}), usually behind a
 * {@link CachingTokenReviewer}; in tests a fake. Used for xDS streams and debug endpoints alike.
 */
@FunctionalInterface
public interface TokenReviewer {
  /** Refuses every token: the reviewer when TokenReview is off. */
  TokenReviewer NONE = token -> Optional.empty();

  /**
   * The authenticated user name (e.g. {@code system:serviceaccount:<ns>:<sa>}) if the token is valid
   * for the configured audiences; empty if it is not, or if the review could not be made.
   */
  Optional<String> review(String token);
}
