package io.meshpilot.debughttp;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.meshpilot.xds.auth.TokenReviewer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks bearer tokens with a Kubernetes {@code authentication.k8s.io/v1} TokenReview, as istiod's
 * JWT authenticator does: the token must be authenticated and carry one of the audiences. Written
 * as a generic resource so no extra model artifact is needed.
 */
public final class KubeTokenReviewer implements TokenReviewer {
  private static final Logger LOG = LoggerFactory.getLogger(KubeTokenReviewer.class);
  private static final ResourceDefinitionContext TOKEN_REVIEWS = new ResourceDefinitionContext.Builder()
      .withGroup("authentication.k8s.io").withVersion("v1").withKind("TokenReview").withPlural("tokenreviews")
      .withNamespaced(false).build();

  private final KubernetesClient client;
  private final List<String> audiences;

  /**
   * @param client the cluster's API client (its service account needs {@code create} on tokenreviews)
   * @param audiences accepted audiences ({@code TOKEN_AUDIENCES}, default {@code istio-ca})
   */
  public KubeTokenReviewer(KubernetesClient client, List<String> audiences) {
    this.client = client;
    this.audiences = List.copyOf(audiences);
  }

  @Override
  public Optional<String> review(String token) {
    GenericKubernetesResource request = new GenericKubernetesResourceBuilder()
        .withApiVersion("authentication.k8s.io/v1").withKind("TokenReview")
        .withNewMetadata().endMetadata()
        .withAdditionalProperties(Map.of("spec", Map.of("token", token, "audiences", audiences)))
        .build();
    GenericKubernetesResource response;
    try {
      response = client.genericKubernetesResources(TOKEN_REVIEWS).resource(request).create();
    } catch (KubernetesClientException e) {
      LOG.warn("TokenReview failed: {} {}", e.getCode(), e.getMessage());
      return Optional.empty();
    }
    Object status = response == null ? null : response.getAdditionalProperties().get("status");
    if (!(status instanceof Map<?, ?> result)) {
      return Optional.empty();
    }
    if (!Boolean.TRUE.equals(result.get("authenticated"))) {
      LOG.info("TokenReview: token not authenticated: {}", result.get("error"));
      return Optional.empty();
    }
    if (result.get("audiences") instanceof Collection<?> granted && granted.stream().noneMatch(audiences::contains)) {
      LOG.info("TokenReview: token audiences {} are not among {}", granted, audiences);
      return Optional.empty();
    }
    if (result.get("user") instanceof Map<?, ?> user && user.get("username") instanceof String name) {
      return Optional.of(name);
    }
    return Optional.empty();
  }
}
