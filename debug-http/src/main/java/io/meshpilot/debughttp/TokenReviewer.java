package io.meshpilot.debughttp;

import java.util.Optional;

/**
 * Authenticates a bearer token (istiod's Kubernetes JWT authenticator): in production a Kubernetes
 * TokenReview ({@link KubeTokenReviewer}), in tests a fake.
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
