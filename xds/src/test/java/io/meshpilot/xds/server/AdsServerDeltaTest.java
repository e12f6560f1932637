package io.meshpilot.xds.server;

import static io.meshpilot.xds.server.FakeResourceSource.RATINGS;
import static io.meshpilot.xds.server.FakeResourceSource.RATINGS_CLUSTER;
import static io.meshpilot.xds.server.FakeResourceSource.REVIEWS;
import static io.meshpilot.xds.server.FakeResourceSource.REVIEWS_CLUSTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdsServerDeltaTest {
  private static final List<String> NONE = List.of();
  private static final String UNKNOWN_CLUSTER = "outbound|80||unknown.default.svc.cluster.local";

  private final FakeResourceSource source = new FakeResourceSource();
  private AdsServer server;
  private XdsTestClient client;

  @BeforeEach
  void start() throws Exception {
    server = new AdsServer(new InetSocketAddress("127.0.0.1", 0), source).start();
    client = XdsTestClient.delta(server.port(), XdsTestClient.sidecarNode());
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.close();
  }

  @Test
  void wildcardSubscriptionGetsEveryClusterAndLaterTheirRemoval() {
    client.deltaRequest(XdsType.CLUSTER, NONE, NONE, "", Map.of(), false);
    DeltaDiscoveryResponse all = client.nextDelta(XdsType.CLUSTER);
    assertThat(names(all)).containsExactlyInAnyOrder(REVIEWS_CLUSTER, RATINGS_CLUSTER);
    assertThat(all.getResources(0).getVersion()).isNotEmpty();
    ack(XdsType.CLUSTER, all);
    awaitParked(XdsType.CLUSTER);

    source.remove(XdsType.CLUSTER, RATINGS_CLUSTER);
    server.push(PushRequest.fullPush());

    DeltaDiscoveryResponse removal = client.nextDelta(XdsType.CLUSTER);
    assertThat(removal.getResourcesList()).isEmpty();
    assertThat(removal.getRemovedResourcesList()).containsExactly(RATINGS_CLUSTER);
    ack(XdsType.CLUSTER, removal);
    await().atMost(XdsTestClient.WAIT).until(() -> server.syncStatus().proxies().getFirst()
        .type(XdsType.CLUSTER).status() == SyncStatus.SYNCED);
  }

  @Test
  void namedSubscriptionsGetOnlyWhatIsNewOrChanged() {
    client.deltaRequest(XdsType.ENDPOINT, List.of(REVIEWS_CLUSTER), NONE, "", Map.of(), false);
    ack(XdsType.ENDPOINT, client.nextDelta(XdsType.ENDPOINT));
    awaitParked(XdsType.ENDPOINT);

    client.deltaRequest(XdsType.ENDPOINT, List.of(RATINGS_CLUSTER), NONE, "", Map.of(), false);
    DeltaDiscoveryResponse added = client.nextDelta(XdsType.ENDPOINT);
    assertThat(names(added)).containsExactly(RATINGS_CLUSTER);
    ack(XdsType.ENDPOINT, added);
    awaitParked(XdsType.ENDPOINT);

    client.deltaRequest(XdsType.ENDPOINT, NONE, List.of(REVIEWS_CLUSTER), "", Map.of(), false);
    // A later request's answer shows the unsubscription (earlier on the stream) was processed.
    client.deltaRequest(XdsType.ENDPOINT, List.of(UNKNOWN_CLUSTER), NONE, "", Map.of(), false);
    ack(XdsType.ENDPOINT, client.nextDelta(XdsType.ENDPOINT));
    awaitParked(XdsType.ENDPOINT);
    source.put(FakeResourceSource.endpoints(REVIEWS_CLUSTER, "10.1.0.9"));
    source.put(FakeResourceSource.endpoints(RATINGS_CLUSTER, "10.2.0.9"));
    server.push(PushRequest.endpoints(Set.of(REVIEWS, RATINGS)));

    DeltaDiscoveryResponse changed = client.nextDelta(XdsType.ENDPOINT);
    assertThat(names(changed)).containsExactly(RATINGS_CLUSTER);
  }

  @Test
  void anEndpointPushToAStreamAtRestLeavesItHoldingWhatWasSent() {
    client.deltaRequest(XdsType.ENDPOINT, List.of(REVIEWS_CLUSTER, RATINGS_CLUSTER), NONE, "", Map.of(), false);
    ack(XdsType.ENDPOINT, client.nextDelta(XdsType.ENDPOINT));
    awaitParked(XdsType.ENDPOINT);
    source.put(FakeResourceSource.endpoints(REVIEWS_CLUSTER, "10.1.0.9"));
    server.push(PushRequest.endpoints(Set.of(REVIEWS)));
    DeltaDiscoveryResponse changed = client.nextDelta(XdsType.ENDPOINT);
    assertThat(names(changed)).containsExactly(REVIEWS_CLUSTER);
    assertThat(changed.getSystemVersionInfo()).isNotEmpty();
    ack(XdsType.ENDPOINT, changed);
    awaitParked(XdsType.ENDPOINT);

    // nothing is owed: a push of the same content sends nothing, the next change only itself
    server.push(PushRequest.endpoints(Set.of(REVIEWS, RATINGS)));
    source.put(FakeResourceSource.endpoints(RATINGS_CLUSTER, "10.2.0.9"));
    server.push(PushRequest.endpoints(Set.of(RATINGS)));
    assertThat(names(client.nextDelta(XdsType.ENDPOINT))).containsExactly(RATINGS_CLUSTER);
    assertThat(client.deltaOfType(XdsType.ENDPOINT)).hasSize(3);
  }

  @Test
  void anEndpointPushBeforeTheLastResponseIsAckedWaitsForTheAck() {
    client.deltaRequest(XdsType.ENDPOINT, List.of(REVIEWS_CLUSTER), NONE, "", Map.of(), false);
    DeltaDiscoveryResponse first = client.nextDelta(XdsType.ENDPOINT);
    source.put(FakeResourceSource.endpoints(REVIEWS_CLUSTER, "10.1.0.9"));
    server.push(PushRequest.endpoints(Set.of(REVIEWS)));
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
        .until(() -> client.deltaOfType(XdsType.ENDPOINT).size() == 1);

    ack(XdsType.ENDPOINT, first);

    DeltaDiscoveryResponse changed = client.nextDelta(XdsType.ENDPOINT);
    assertThat(names(changed)).containsExactly(REVIEWS_CLUSTER);
    assertThat(changed.getResources(0).getVersion()).isNotEqualTo(first.getResources(0).getVersion());
  }

  @Test
  void nackIsNotAnsweredUntilTheContentChanges() {
    client.deltaRequest(XdsType.LISTENER, NONE, NONE, "", Map.of(), false);
    DeltaDiscoveryResponse rejected = client.nextDelta(XdsType.LISTENER);

    client.deltaRequest(XdsType.LISTENER, NONE, NONE, rejected.getNonce(), Map.of(), true);

    await().atMost(XdsTestClient.WAIT).until(() -> server.syncStatus().proxies().getFirst()
        .type(XdsType.LISTENER).status() == SyncStatus.ERROR);
    awaitParked(XdsType.LISTENER);
    server.push(PushRequest.fullPush());
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
        .until(() -> client.deltaOfType(XdsType.LISTENER).size() == 1);
    source.put(FakeResourceSource.listener("0.0.0.0_9080", 9081));
    server.push(PushRequest.fullPush());

    DeltaDiscoveryResponse fixed = client.nextDelta(XdsType.LISTENER);
    assertThat(names(fixed)).containsExactly("0.0.0.0_9080");
    assertThat(client.deltaOfType(XdsType.LISTENER)).hasSize(2);
  }

  @Test
  void reconnectingClientGetsOnlyWhatItLacksAndRemovals() throws Exception {
    client.deltaRequest(XdsType.CLUSTER, NONE, NONE, "", Map.of(), false);
    Map<String, String> versions = client.nextDelta(XdsType.CLUSTER).getResourcesList().stream()
        .collect(Collectors.toMap(Resource::getName, Resource::getVersion));
    client.close();
    source.remove(XdsType.CLUSTER, RATINGS_CLUSTER);

    try (XdsTestClient again = XdsTestClient.delta(server.port(), XdsTestClient.sidecarNode())) {
      again.deltaRequest(XdsType.CLUSTER, NONE, NONE, "", versions, false);

      DeltaDiscoveryResponse response = again.nextDelta(XdsType.CLUSTER);
      assertThat(response.getResourcesList()).isEmpty();
      assertThat(response.getRemovedResourcesList()).containsExactly(RATINGS_CLUSTER);
    }
  }

  @Test
  void clusterAckForcesEndpointsSoReWarmingClustersGetThem() {
    client.deltaRequest(XdsType.CLUSTER, NONE, NONE, "", Map.of(), false);
    DeltaDiscoveryResponse clusters = client.nextDelta(XdsType.CLUSTER);
    client.deltaRequest(XdsType.ENDPOINT, List.of(REVIEWS_CLUSTER), NONE, "", Map.of(), false);
    DeltaDiscoveryResponse endpoints = client.nextDelta(XdsType.ENDPOINT);
    ack(XdsType.ENDPOINT, endpoints);
    awaitParked(XdsType.ENDPOINT);

    ack(XdsType.CLUSTER, clusters);

    DeltaDiscoveryResponse forced = client.nextDelta(XdsType.ENDPOINT);
    assertThat(names(forced)).containsExactly(REVIEWS_CLUSTER);
    assertThat(forced.getResources(0).getVersion())
        .isEqualTo(endpoints.getResources(0).getVersion());
  }

  private void ack(XdsType type, DeltaDiscoveryResponse response) {
    client.deltaRequest(type, NONE, NONE, response.getNonce(), Map.of(), false);
  }

  /** Waits until the requests of this type sent so far are parked, waiting for a push. */
  private void awaitParked(XdsType type) {
    await().atMost(XdsTestClient.WAIT).until(() -> server.connectionIds().size() == 1
        && server.waiting(server.connectionIds().getFirst(), type));
  }

  private static List<String> names(DeltaDiscoveryResponse response) {
    return response.getResourcesList().stream().map(Resource::getName).toList();
  }
}
