package io.meshpilot.xds.server;

import static io.meshpilot.xds.server.FakeResourceSource.RATINGS_CLUSTER;
import static io.meshpilot.xds.server.FakeResourceSource.REVIEWS;
import static io.meshpilot.xds.server.FakeResourceSource.REVIEWS_CLUSTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdsServerSotwTest {
  private static final List<String> NO_NAMES = List.of();

  private final FakeResourceSource source = new FakeResourceSource();
  private AdsServer server;
  private XdsTestClient client;

  @BeforeEach
  void start() throws Exception {
    server = new AdsServer(new InetSocketAddress("127.0.0.1", 0), source).start();
    client = XdsTestClient.sotw(server.port(), XdsTestClient.sidecarNode());
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.close();
  }

  @Test
  void firstRequestGetsEveryClusterAndTheAckIsRecorded() {
    client.request(XdsType.CLUSTER, NO_NAMES, "", "");
    DiscoveryResponse clusters = client.next(XdsType.CLUSTER);
    assertThat(names(clusters)).containsExactly(RATINGS_CLUSTER, REVIEWS_CLUSTER);

    client.ack(XdsType.CLUSTER, clusters, NO_NAMES);

    await().atMost(XdsTestClient.WAIT).until(() -> status(XdsType.CLUSTER) == SyncStatus.SYNCED);
    ProxySyncState proxy = server.syncStatus().proxies().getFirst();
    assertThat(proxy.connectionId()).startsWith("pod-a.default-");
    assertThat(proxy.peerAddress()).startsWith("127.0.0.1:");
    TypeSyncState cds = proxy.type(XdsType.CLUSTER);
    assertThat(cds.nonceSent()).isEqualTo(clusters.getNonce()).isEqualTo(cds.nonceAcked());
    assertThat(cds.versionAcked()).isEqualTo(clusters.getVersionInfo());
    assertThat(cds.lastSent()).isPresent();
    assertThat(proxy.type(XdsType.LISTENER).status()).isEqualTo(SyncStatus.NOT_SENT);
  }

  @Test
  void sameContentHasTheSameVersionOnEveryConnection() throws Exception {
    client.request(XdsType.CLUSTER, NO_NAMES, "", "");
    String first = client.next(XdsType.CLUSTER).getVersionInfo();
    try (XdsTestClient other = XdsTestClient.sotw(server.port(), XdsTestClient.sidecarNode())) {
      other.request(XdsType.CLUSTER, NO_NAMES, "", "");
      assertThat(other.next(XdsType.CLUSTER).getVersionInfo()).isEqualTo(first);
    }
  }

  @Test
  void unchangedContentIsNotSentAgain() {
    client.request(XdsType.CLUSTER, NO_NAMES, "", "");
    client.ack(XdsType.CLUSTER, client.next(XdsType.CLUSTER), NO_NAMES);
    awaitParked(XdsType.CLUSTER);

    server.push(PushRequest.fullPush());
    source.put(FakeResourceSource.cluster(REVIEWS_CLUSTER, 3));
    server.push(PushRequest.fullPush());

    // Responses arrive in order, so anything sent by the first push would precede this one.
    DiscoveryResponse changed = client.next(XdsType.CLUSTER);
    assertThat(client.ofType(XdsType.CLUSTER)).hasSize(2);
    assertThat(changed.getVersionInfo())
        .isNotEqualTo(client.ofType(XdsType.CLUSTER).getFirst().getVersionInfo());
  }

  @Test
  void nackedConfigIsNotResentUntilItChanges() {
    client.request(XdsType.LISTENER, NO_NAMES, "", "");
    DiscoveryResponse good = client.next(XdsType.LISTENER);
    client.ack(XdsType.LISTENER, good, NO_NAMES);
    awaitParked(XdsType.LISTENER);
    source.put(FakeResourceSource.listener("0.0.0.0_9080", 9081));
    server.push(PushRequest.fullPush());
    DiscoveryResponse rejected = client.next(XdsType.LISTENER);

    client.nack(XdsType.LISTENER, rejected, NO_NAMES, good.getVersionInfo());

    await().atMost(XdsTestClient.WAIT).until(() -> status(XdsType.LISTENER) == SyncStatus.ERROR);
    awaitParked(XdsType.LISTENER);
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
        .until(() -> client.ofType(XdsType.LISTENER).size() == 2);
    server.push(PushRequest.fullPush());
    source.put(FakeResourceSource.listener("0.0.0.0_9080", 9082));
    server.push(PushRequest.fullPush());

    DiscoveryResponse fixed = client.next(XdsType.LISTENER);
    assertThat(client.ofType(XdsType.LISTENER)).hasSize(3);
    assertThat(fixed.getVersionInfo()).isNotIn(good.getVersionInfo(), rejected.getVersionInfo());
    client.ack(XdsType.LISTENER, fixed, NO_NAMES);
    await().atMost(XdsTestClient.WAIT).until(() -> status(XdsType.LISTENER) == SyncStatus.SYNCED);
    assertThat(server.syncStatus().counters().rejects(XdsType.LISTENER)).isEqualTo(1);
  }

  @Test
  void unknownEndpointAndRouteNamesAreAnsweredWithEmptyResources() throws Exception {
    String unknownCluster = "outbound|80||unknown.default.svc.cluster.local";
    client.request(XdsType.ENDPOINT, List.of(unknownCluster), "", "");
    client.request(XdsType.ROUTE, List.of("8080"), "", "");

    ClusterLoadAssignment cla = client.next(XdsType.ENDPOINT).getResources(0)
        .unpack(ClusterLoadAssignment.class);
    RouteConfiguration route = client.next(XdsType.ROUTE).getResources(0)
        .unpack(RouteConfiguration.class);
    assertThat(cla.getClusterName()).isEqualTo(unknownCluster);
    assertThat(cla.getEndpointsList()).isEmpty();
    assertThat(route.getName()).isEqualTo("8080");
    assertThat(route.getVirtualHostsList()).isEmpty();
  }

  @Test
  void fullPushSendsClustersEndpointsListenersRoutesInThatOrder() {
    subscribeAndAck(XdsType.CLUSTER, NO_NAMES);
    subscribeAndAck(XdsType.ENDPOINT, List.of(REVIEWS_CLUSTER));
    subscribeAndAck(XdsType.LISTENER, NO_NAMES);
    subscribeAndAck(XdsType.ROUTE, List.of("9080"));
    awaitParked(XdsType.CLUSTER, XdsType.ENDPOINT, XdsType.LISTENER, XdsType.ROUTE);
    source.put(FakeResourceSource.route("9080", REVIEWS, "reviews"));
    source.put(FakeResourceSource.listener("0.0.0.0_9080", 9081));
    source.put(FakeResourceSource.endpoints(REVIEWS_CLUSTER, "10.1.0.9"));
    source.put(FakeResourceSource.cluster(REVIEWS_CLUSTER, 3));

    server.push(PushRequest.fullPush());

    await().atMost(XdsTestClient.WAIT).until(() -> client.responses().size() == 8);
    assertThat(client.responses().subList(4, 8)).extracting(DiscoveryResponse::getTypeUrl)
        .containsExactly(XdsType.CLUSTER.typeUrl(), XdsType.ENDPOINT.typeUrl(),
            XdsType.LISTENER.typeUrl(), XdsType.ROUTE.typeUrl());
  }

  @Test
  void endpointPushSendsOnlyTheEndpointsOfTheChangedService() {
    subscribeAndAck(XdsType.CLUSTER, NO_NAMES);
    subscribeAndAck(XdsType.ENDPOINT, List.of(REVIEWS_CLUSTER, RATINGS_CLUSTER));
    awaitParked(XdsType.CLUSTER, XdsType.ENDPOINT);
    source.put(FakeResourceSource.cluster(REVIEWS_CLUSTER, 3));
    source.put(FakeResourceSource.endpoints(REVIEWS_CLUSTER, "10.1.0.9"));
    source.put(FakeResourceSource.endpoints(RATINGS_CLUSTER, "10.2.0.9"));

    server.push(PushRequest.endpoints(Set.of(REVIEWS)));

    DiscoveryResponse endpoints = client.next(XdsType.ENDPOINT);
    assertThat(names(endpoints)).containsExactly(REVIEWS_CLUSTER);
    assertThat(client.ofType(XdsType.CLUSTER)).hasSize(1);
  }

  @Test
  void endpointRequestAfterAClusterUpdateIsAnsweredEvenIfItLooksLikeAnAck() {
    subscribeAndAck(XdsType.CLUSTER, NO_NAMES);
    client.request(XdsType.ENDPOINT, List.of(REVIEWS_CLUSTER), "", "");
    DiscoveryResponse endpoints = client.next(XdsType.ENDPOINT);
    source.put(FakeResourceSource.cluster(REVIEWS_CLUSTER, 3));
    server.push(PushRequest.fullPush());
    client.next(XdsType.CLUSTER);

    // Envoy re-warms the updated cluster and waits for its endpoints, which did not change.
    client.ack(XdsType.ENDPOINT, endpoints, List.of(REVIEWS_CLUSTER));

    DiscoveryResponse again = client.next(XdsType.ENDPOINT);
    assertThat(names(again)).containsExactly(REVIEWS_CLUSTER);
    assertThat(again.getVersionInfo()).isEqualTo(endpoints.getVersionInfo());
  }

  @Test
  void afterTwoOfManyClustersChangeTheEndpointAnswerCarriesExactlyTheirsInOrder() {
    List<String> clusters = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String name = "outbound|9080||svc-%02d.default.svc.cluster.local".formatted(i);
      clusters.add(name);
      source.put(FakeResourceSource.cluster(name, 1));
      source.put(FakeResourceSource.endpoints(name, "10.3.0." + i));
    }
    subscribeAndAck(XdsType.CLUSTER, NO_NAMES);
    subscribeAndAck(XdsType.ENDPOINT, clusters);
    awaitParked(XdsType.CLUSTER, XdsType.ENDPOINT);
    source.put(FakeResourceSource.cluster(clusters.get(31), 3));
    source.put(FakeResourceSource.cluster(clusters.get(7), 3));

    server.push(PushRequest.fullPush());
    client.ack(XdsType.CLUSTER, client.next(XdsType.CLUSTER), NO_NAMES);

    // Envoy re-warms the two updated clusters and waits for their endpoints, which did not change
    assertThat(names(client.next(XdsType.ENDPOINT))).containsExactly(clusters.get(7), clusters.get(31));
  }

  @Test
  void streamWithAnUnparseableNodeIsRefusedWithInvalidArgument() throws Exception {
    try (XdsTestClient bad = XdsTestClient.sotw(server.port(), XdsTestClient.node("bad-node"))) {
      bad.request(XdsType.CLUSTER, NO_NAMES, "", "");

      await().atMost(XdsTestClient.WAIT).until(() -> bad.error() != null);
      Status status = Status.fromThrowable(bad.error());
      assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(status.getDescription()).contains("bad-node");
    }
  }

  @Test
  void streamsAreRefusedWithUnavailableUntilTheRegistryHasSynced() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean synced = new java.util.concurrent.atomic.AtomicBoolean();
    try (AdsServer starting = new AdsServer(new InetSocketAddress("127.0.0.1", 0), java.util.Optional.empty(),
        source, io.meshpilot.xds.XdsEvents.NONE, AdsSettings.defaults().withReady(synced::get)).start()) {
      try (XdsTestClient early = XdsTestClient.sotw(starting.port(), XdsTestClient.sidecarNode())) {
        early.request(XdsType.CLUSTER, NO_NAMES, "", "");
        await().atMost(XdsTestClient.WAIT).until(() -> early.error() != null);
        Status status = Status.fromThrowable(early.error());
        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(status.getDescription()).contains("has not synced");
        assertThat(early.responses()).isEmpty();
      }

      synced.set(true);
      try (XdsTestClient later = XdsTestClient.sotw(starting.port(), XdsTestClient.sidecarNode())) {
        later.request(XdsType.CLUSTER, NO_NAMES, "", "");
        assertThat(names(later.next(XdsType.CLUSTER))).containsExactly(RATINGS_CLUSTER, REVIEWS_CLUSTER);
      }
    }
  }

  @Test
  void aTypeThatCannotBeGeneratedIsNotSentAndTheStreamStaysOpen() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean(true);
    ResourceSource failingClusters = new ResourceSource() {
      @Override
      public io.meshpilot.xds.proxy.Proxy proxy(io.envoyproxy.envoy.config.core.v3.Node node)
          throws io.meshpilot.xds.proxy.InvalidProxyException {
        return source.proxy(node);
      }

      @Override
      public ResourceSet generate(io.meshpilot.xds.proxy.Proxy proxy, XdsType type, Set<String> names) {
        if (type == XdsType.CLUSTER && broken.get()) {
          throw new IllegalStateException("generator bug");
        }
        return source.generate(proxy, type, names);
      }
    };
    try (AdsServer failing = new AdsServer(new InetSocketAddress("127.0.0.1", 0), failingClusters).start();
        XdsTestClient proxy = XdsTestClient.sotw(failing.port(), XdsTestClient.sidecarNode())) {
      proxy.request(XdsType.CLUSTER, NO_NAMES, "", "");
      proxy.request(XdsType.LISTENER, NO_NAMES, "", "");

      // the listeners still go; no clusters, and no half-built CDS either
      assertThat(proxy.next(XdsType.LISTENER).getResourcesCount()).isEqualTo(1);
      assertThat(proxy.ofType(XdsType.CLUSTER)).isEmpty();
      assertThat(proxy.error()).isNull();

      broken.set(false);
      failing.push(PushRequest.fullPush());
      assertThat(names(proxy.next(XdsType.CLUSTER))).containsExactly(RATINGS_CLUSTER, REVIEWS_CLUSTER);
      assertThat(failing.connectionIds()).hasSize(1);
    }
  }

  @Test
  void closedStreamIsForgotten() throws Exception {
    client.request(XdsType.CLUSTER, NO_NAMES, "", "");
    client.next(XdsType.CLUSTER);
    assertThat(server.connectionIds()).hasSize(1);

    client.close();

    await().atMost(XdsTestClient.WAIT).until(() -> server.connectionIds().isEmpty()
        && server.syncStatus().proxies().isEmpty());
  }

  private void subscribeAndAck(XdsType type, List<String> names) {
    client.request(type, names, "", "");
    client.ack(type, client.next(type), names);
  }

  /** Waits until the requests of these types sent so far are parked, waiting for a push. */
  private void awaitParked(XdsType... types) {
    await().atMost(XdsTestClient.WAIT).until(() -> server.connectionIds().size() == 1
        && java.util.Arrays.stream(types)
            .allMatch(t -> server.waiting(server.connectionIds().getFirst(), t)));
  }

  private SyncStatus status(XdsType type) {
    return server.syncStatus().proxies().stream().findFirst()
        .map(p -> p.type(type).status()).orElse(SyncStatus.NOT_SENT);
  }

  static List<String> names(DiscoveryResponse response) {
    return response.getResourcesList().stream().map(Resources::getResourceName).toList();
  }

}
