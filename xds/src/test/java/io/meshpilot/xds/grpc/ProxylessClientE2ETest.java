package io.meshpilot.xds.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.meshpilot.xds.MeshDiscovery;
import io.meshpilot.xds.server.ProxySyncState;
import io.meshpilot.xds.server.SyncStatus;
import io.meshpilot.xds.server.TypeSyncState;
import io.meshpilot.xds.server.XdsType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * grpc-java's own xDS client (proxyless, GENERATOR=grpc) against meshpilot: real RPCs over
 * {@code xds:///} to real gRPC servers registered as a Kubernetes service's endpoints.
 */
@Timeout(120)
class ProxylessClientE2ETest {
  private static final String REVIEWS = "reviews.default.svc.cluster.local";
  private static final Duration AT_MOST = Duration.ofSeconds(15);
  private static final int WINDOW = 30;

  private final GrpcMesh mesh = new GrpcMesh();

  @AfterEach
  void closeMesh() throws Exception {
    mesh.close();
  }

  @Test
  void rpcsReachEveryBackendAndFollowEndpointChangesWithoutNacks() throws Exception {
    List<GrpcBackend> backends = new ArrayList<>();
    mesh.service("reviews", "10.96.0.12", "grpc", 9080);
    for (int i = 1; i <= 3; i++) {
      backends.add(mesh.endpoint("reviews", "grpc", mesh.track(GrpcBackend.start("reviews-v" + i, "127.0.0.1" + i))));
    }
    MeshDiscovery discovery = mesh.discovery();
    GrpcBootstrap client = GrpcBootstrap.of(discovery.port(), "productpage-v1-7d9f8", "default", "127.0.0.1");
    ManagedChannel channel = mesh.channel(client, REVIEWS + ":9080");

    await().atMost(AT_MOST).until(() -> window(channel).containsAll(List.of("reviews-v1", "reviews-v2", "reviews-v3")));

    // Removing an endpoint reaches the client as an EDS push.
    GrpcBackend removed = backends.get(2);
    long edsPushes = discovery.syncStatus().counters().pushes(XdsType.ENDPOINT);
    long cdsPushes = discovery.syncStatus().counters().pushes(XdsType.CLUSTER);
    long start = System.nanoTime();
    mesh.removeEndpoint("reviews", "grpc", removed);
    await().atMost(AT_MOST).pollInterval(Duration.ofMillis(10)).until(() -> !window(channel).contains("reviews-v3"));
    long removalMillis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("[proxyless] registry removal → no RPC reaches the removed backend over %d calls: %d ms%n",
        WINDOW, removalMillis);
    int removedCalls = removed.calls();
    assertThat(window(channel)).containsOnly("reviews-v1", "reviews-v2");
    assertThat(removed.calls()).isEqualTo(removedCalls);
    assertThat(discovery.syncStatus().counters().pushes(XdsType.ENDPOINT)).isGreaterThan(edsPushes);
    assertThat(discovery.syncStatus().counters().pushes(XdsType.CLUSTER)).isEqualTo(cdsPushes);

    // Adding one brings it in.
    mesh.endpoint("reviews", "grpc", mesh.track(GrpcBackend.start("reviews-v4", "127.0.0.14")));
    await().atMost(AT_MOST).until(() -> window(channel).contains("reviews-v4"));

    // Never a NACK, every type ACKed.
    for (XdsType type : XdsType.values()) {
      assertThat(discovery.syncStatus().counters().rejects(type)).as("%s rejects", type).isZero();
    }
    await().atMost(AT_MOST).untilAsserted(() -> assertThat(mesh.proxy(client.nodeId())).hasValueSatisfying(proxy ->
        assertThat(proxy.types().values()).allSatisfy(state -> {
          assertThat(state.lastError()).isEmpty();
          assertThat(state.status()).isEqualTo(SyncStatus.SYNCED);
        })));
  }

  @Test
  void syncStatusListsTheClientWithItsTypeAndTheNamesItWatches() throws Exception {
    mesh.service("reviews", "10.96.0.12", "grpc", 9080);
    mesh.endpoint("reviews", "grpc", mesh.track(GrpcBackend.start("reviews-v1", "127.0.0.11")));
    GrpcBootstrap client = GrpcBootstrap.of(mesh.discovery().port(), "productpage-v1-7d9f8", "default", "127.0.0.1");
    ManagedChannel channel = mesh.channel(client, REVIEWS + ":9080");

    assertThat(Whoami.call(channel)).isEqualTo("reviews-v1");

    await().atMost(AT_MOST).untilAsserted(() -> {
      ProxySyncState proxy = mesh.proxy(client.nodeId()).orElseThrow();
      assertThat(proxy.proxy().type()).isEqualTo("sidecar");
      assertThat(proxy.proxy().proxyless()).isTrue();
      assertThat(proxy.proxy().id()).isEqualTo("productpage-v1-7d9f8.default");
      // the four Envoy types; a gRPC client never asks for the name table
      assertThat(proxy.types()).containsOnlyKeys(XdsType.CLUSTER, XdsType.ENDPOINT, XdsType.LISTENER, XdsType.ROUTE);
      assertThat(proxy.type(XdsType.LISTENER).watchedNames()).containsExactly(REVIEWS + ":9080");
      assertThat(proxy.type(XdsType.ROUTE).watchedNames()).containsExactly("outbound|9080||" + REVIEWS);
      assertThat(proxy.type(XdsType.CLUSTER).watchedNames()).containsExactly("outbound|9080||" + REVIEWS);
      assertThat(proxy.type(XdsType.ENDPOINT).watchedNames()).containsExactly("outbound|9080||" + REVIEWS);
      assertThat(proxy.types().values()).extracting(TypeSyncState::status).containsOnly(SyncStatus.SYNCED);
    });
  }

  @Test
  void shortNameTargetResolvesThroughTheProxysDnsDomain() throws Exception {
    mesh.service("reviews", "10.96.0.12", "grpc", 9080);
    mesh.endpoint("reviews", "grpc", mesh.track(GrpcBackend.start("reviews-v1", "127.0.0.11")));
    GrpcBootstrap client = GrpcBootstrap.of(mesh.discovery().port(), "productpage-v1-7d9f8", "default", "127.0.0.1");

    assertThat(Whoami.call(mesh.channel(client, "reviews:9080"))).isEqualTo("reviews-v1");
    assertThat(Whoami.call(mesh.channel(client, "reviews.default.svc:9080"))).isEqualTo("reviews-v1");
  }

  @Test
  void unknownTargetGetsAnEmptyListenerResponseAndNoBackend() throws Exception {
    mesh.service("reviews", "10.96.0.12", "grpc", 9080);
    GrpcBackend reviews = mesh.endpoint("reviews", "grpc", mesh.track(GrpcBackend.start("reviews-v1", "127.0.0.11")));
    GrpcBootstrap client = GrpcBootstrap.of(mesh.discovery().port(), "productpage-v1-7d9f8", "default", "127.0.0.1");
    ManagedChannel channel = mesh.channel(client, "ratings.default.svc.cluster.local:9080");

    // grpc-java waits for its resource timer before it calls the listener missing; the RPC fails either way.
    assertThatThrownBy(() -> Whoami.call(channel)).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).isIn(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED));
    assertThat(reviews.calls()).isZero();
    ProxySyncState proxy = mesh.proxy(client.nodeId()).orElseThrow();
    assertThat(proxy.type(XdsType.LISTENER).watchedNames()).containsExactly("ratings.default.svc.cluster.local:9080");
    assertThat(proxy.type(XdsType.LISTENER).status()).isEqualTo(SyncStatus.SYNCED);
    assertThat(proxy.types()).doesNotContainKey(XdsType.ROUTE);
    assertThat(mesh.discovery().syncStatus().counters().rejects(XdsType.LISTENER)).isZero();
  }

  /** The backends that served {@value #WINDOW} consecutive calls. */
  private static Set<String> window(ManagedChannel channel) {
    Set<String> served = new HashSet<>();
    for (int i = 0; i < WINDOW; i++) {
      served.add(Whoami.call(channel));
    }
    return served;
  }
}
