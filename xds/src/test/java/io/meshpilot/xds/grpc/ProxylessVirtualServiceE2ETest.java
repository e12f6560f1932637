package io.meshpilot.xds.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.meshpilot.xds.MeshDiscovery;
import io.meshpilot.xds.server.SyncStatus;
import io.meshpilot.xds.server.TypeSyncState;
import io.meshpilot.xds.traffic.TrafficYaml;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * grpc-java's xDS client follows VirtualService routes from meshpilot: weighted clusters, header
 * matches, retries and a route timeout (as {@code max_stream_duration}), without NACKs. Two plain
 * services stand in for subsets until DestinationRules exist.
 */
@Timeout(120)
class ProxylessVirtualServiceE2ETest {
  private static final String REVIEWS = "reviews.default.svc.cluster.local";
  private static final Duration AT_MOST = Duration.ofSeconds(30);

  private final GrpcMesh mesh = new GrpcMesh();

  @AfterEach
  void closeMesh() throws Exception {
    mesh.close();
  }

  @Test
  void rpcsFollowWeightsHeaderMatchesRetriesAndTimeouts() throws Exception {
    mesh.service("reviews", "10.96.0.12", "grpc", 9080);
    mesh.service("ratings", "10.96.0.13", "grpc", 9080);
    GrpcBackend reviews = mesh.endpoint("reviews", "grpc", mesh.track(GrpcBackend.start("reviews-v1", "127.0.0.11")));
    GrpcBackend ratings = mesh.endpoint("ratings", "grpc", mesh.track(GrpcBackend.start("ratings-v1", "127.0.0.12")));
    mesh.traffic().set(TrafficYaml.virtualServices("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - match:
            - headers:
                x-user: {exact: jason}
            route:
            - destination: {host: ratings}
          - match:
            - headers:
                x-mode: {exact: retry}
            retries: {attempts: 3, retryOn: unavailable}
            route:
            - destination: {host: reviews}
          - match:
            - headers:
                x-mode: {exact: no-retry}
            retries: {attempts: 0}
            route:
            - destination: {host: ratings}
          - match:
            - headers:
                x-mode: {prefix: time}
            timeout: 0.5s
            route:
            - destination: {host: reviews}
          - route:
            - destination: {host: reviews}
              weight: 50
            - destination: {host: ratings}
              weight: 50
        """));
    MeshDiscovery discovery = mesh.discovery();
    GrpcBootstrap client = GrpcBootstrap.of(discovery.port(), "productpage-v1-7d9f8", "default", "127.0.0.1");
    ManagedChannel channel = mesh.channel(client, REVIEWS + ":9080");

    // weighted clusters: both services answer the plain calls
    Map<String, Integer> answered = new HashMap<>();
    await().atMost(AT_MOST).ignoreExceptions().until(() -> {
      answered.merge(Whoami.call(channel, "", Map.of()), 1, Integer::sum);
      return answered.getOrDefault("reviews-v1", 0) >= 10 && answered.getOrDefault("ratings-v1", 0) >= 10;
    });

    // a header match always goes to ratings
    for (int i = 0; i < 20; i++) {
      assertThat(Whoami.call(channel, "", Map.of("x-user", "jason"))).isEqualTo("ratings-v1");
    }

    // the first attempt fails with UNAVAILABLE: retried it succeeds, without retries the client sees it
    assertThat(Whoami.call(channel, "fail-first", Map.of("x-mode", "retry"))).isEqualTo("reviews-v1");
    assertThatThrownBy(() -> Whoami.call(channel, "fail-first", Map.of("x-mode", "no-retry")))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(ratings.calls()).isPositive();

    // a call without a deadline of its own ends at the route's timeout
    int hanging = reviews.calls();
    assertThatThrownBy(() -> Whoami.call(channel, "hang", Map.of("x-mode", "timeout"), CallOptions.DEFAULT))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(reviews.calls()).isEqualTo(hanging + 1);

    assertThat(mesh.proxy(client.nodeId()).orElseThrow().types().values()).extracting(TypeSyncState::status)
        .containsOnly(SyncStatus.SYNCED);
  }
}
