package io.meshpilot.debughttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(https = false, kubernetesClientBuilderCustomizer = Http11MockClient.class)
class KubeTokenReviewerTest {
  private static final String PATH = "/apis/authentication.k8s.io/v1/tokenreviews";

  KubernetesClient client;
  KubernetesMockServer server;

  @Test
  void anAuthenticatedTokenWithTheAudienceGivesItsUserName() throws Exception {
    server.expect().post().withPath(PATH).andReturn(201, review(true, "system:serviceaccount:shop:checkout", "istio-ca"))
        .once();

    assertThat(new KubeTokenReviewer(client, List.of("istio-ca")).review("jwt-1")).contains("system:serviceaccount:shop:checkout");
    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request.getBody().readUtf8())
        .contains("\"kind\":\"TokenReview\"", "\"token\":\"jwt-1\"", "\"audiences\":[\"istio-ca\"]");
  }

  @Test
  void anUnauthenticatedTokenIsRefused() {
    server.expect().post().withPath(PATH).andReturn(201, review(false, "", "istio-ca")).once();

    assertThat(new KubeTokenReviewer(client, List.of("istio-ca")).review("jwt-2")).isEmpty();
  }

  @Test
  void aTokenForAnotherAudienceIsRefused() {
    server.expect().post().withPath(PATH).andReturn(201, review(true, "system:serviceaccount:shop:checkout", "vault"))
        .once();

    assertThat(new KubeTokenReviewer(client, List.of("istio-ca")).review("jwt-3")).isEmpty();
  }

  @Test
  void aFailedReviewIsARefusal() {
    server.expect().post().withPath(PATH).andReturn(403, "{\"kind\":\"Status\",\"code\":403}").once();

    assertThat(new KubeTokenReviewer(client, List.of("istio-ca")).review("jwt-4")).isEmpty();
  }

  private static String review(boolean authenticated, String user, String audience) {
    return "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\",\"metadata\":{},"
        + "\"status\":{\"authenticated\":" + authenticated + ",\"user\":{\"username\":\"" + user + "\"},"
        + "\"audiences\":[\"" + audience + "\"]}}";
  }
}
