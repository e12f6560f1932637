package io.meshpilot.xds.server;

import static io.meshpilot.xds.server.FakeResourceSource.REVIEWS_CLUSTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.meshpilot.xds.RecordingEvents;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ADS server reports connections, responses, NACKs and stale nonces as XdsEvents. */
class AdsServerEventsTest {
  private static final List<String> NO_NAMES = List.of();
  private static final String PROXY_ID = "pod-a.default";

  private final FakeResourceSource source = new FakeResourceSource();
  private final RecordingEvents events = new RecordingEvents();
  private AdsServer server;

  @BeforeEach
  void start() throws Exception {
    server = new AdsServer(new InetSocketAddress("127.0.0.1", 0), source, events).start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void connectAndDisconnectAreReportedWithTheProxysIstioVersion() throws Exception {
    try (XdsTestClient client = XdsTestClient.sotw(server.port(), nodeWithVersion("1.24.0"))) {
      client.request(XdsType.CLUSTER, NO_NAMES, "", "");
      client.next(XdsType.CLUSTER);
      assertThat(events.lines("connected")).containsExactly("connected 1.24.0");
    }

    await().atMost(XdsTestClient.WAIT).until(() -> !events.lines("disconnected").isEmpty());
    assertThat(events.lines("disconnected")).containsExactly("disconnected 1.24.0");
  }

  @Test
  void everyResponseIsReportedWithItsTypeUrlAndResourceBytes() throws Exception {
    try (XdsTestClient client = XdsTestClient.sotw(server.port(), XdsTestClient.sidecarNode())) {
      client.request(XdsType.CLUSTER, NO_NAMES, "", "");
      DiscoveryResponse clusters = client.next(XdsType.CLUSTER);

      // Reported once the send returns, which may be after the client has the response.
      awaitLines("trigger", 1);
      assertThat(events.lines("pushed")).containsExactly(
          "pushed cds " + XdsType.CLUSTER.typeUrl() + " " + resourceBytes(clusters));
      assertThat(events.lines("trigger")).containsExactly("trigger proxyrequest");
    }
  }

  @Test
  void pushedResponsesAreReportedWithoutAProxyRequestTrigger() throws Exception {
    try (XdsTestClient client = XdsTestClient.sotw(server.port(), XdsTestClient.sidecarNode())) {
      client.request(XdsType.CLUSTER, NO_NAMES, "", "");
      client.ack(XdsType.CLUSTER, client.next(XdsType.CLUSTER), NO_NAMES);
      await().atMost(XdsTestClient.WAIT).until(() -> server.waiting(onlyConnection(), XdsType.CLUSTER));
      source.put(FakeResourceSource.cluster(REVIEWS_CLUSTER, 3));

      server.push(PushRequest.fullPush());

      DiscoveryResponse pushed = client.next(XdsType.CLUSTER);
      awaitLines("pushed", 2);
      assertThat(events.lines("pushed")).hasSize(2).last()
          .isEqualTo("pushed cds " + XdsType.CLUSTER.typeUrl() + " " + resourceBytes(pushed));
      assertThat(events.lines("trigger")).containsExactly("trigger proxyrequest");
    }
  }

  @Test
  void nackIsReportedAsARejectionWithTheProxyAndItsMessage() throws Exception {
    try (XdsTestClient client = XdsTestClient.sotw(server.port(), XdsTestClient.sidecarNode())) {
      client.request(XdsType.LISTENER, NO_NAMES, "", "");
      DiscoveryResponse listeners = client.next(XdsType.LISTENER);

      client.nack(XdsType.LISTENER, listeners, NO_NAMES, "");

      await().atMost(XdsTestClient.WAIT).until(() -> !events.lines("rejected").isEmpty());
      assertThat(events.lines("rejected")).containsExactly("rejected lds " + PROXY_ID + " rejected by test");
    }
  }

  @Test
  void requestWithAStaleNonceIsReportedAsExpired() throws Exception {
    try (XdsTestClient client = XdsTestClient.sotw(server.port(), XdsTestClient.sidecarNode())) {
      client.request(XdsType.CLUSTER, NO_NAMES, "", "");
      DiscoveryResponse first = client.next(XdsType.CLUSTER);
      client.ack(XdsType.CLUSTER, first, NO_NAMES);
      await().atMost(XdsTestClient.WAIT).until(() -> server.waiting(onlyConnection(), XdsType.CLUSTER));
      source.put(FakeResourceSource.cluster(REVIEWS_CLUSTER, 3));
      server.push(PushRequest.fullPush());
      client.next(XdsType.CLUSTER);

      client.ack(XdsType.CLUSTER, first, NO_NAMES);

      await().atMost(XdsTestClient.WAIT).until(() -> !events.lines("expired").isEmpty());
      assertThat(events.lines("expired")).containsExactly("expired cds");
    }
  }

  @Test
  void deltaResponsesAreReportedToo() throws Exception {
    try (XdsTestClient client = XdsTestClient.delta(server.port(), XdsTestClient.sidecarNode())) {
      client.deltaRequest(XdsType.CLUSTER, NO_NAMES, NO_NAMES, "", Map.of(), false);
      DeltaDiscoveryResponse clusters = client.nextDelta(XdsType.CLUSTER);
      awaitLines("pushed", 1);

      long bytes = clusters.getResourcesList().stream()
          .mapToLong(resource -> resource.getResource().getValue().size()).sum();
      assertThat(events.lines("pushed")).containsExactly(
          "pushed cds " + XdsType.CLUSTER.typeUrl() + " " + bytes);
    }
  }

  @Test
  void aSendTheStreamRefusesIsASendErrorUnlessTheStreamIsGoingAway() throws Exception {
    ProxyConnection internal = failingConnection(Status.INTERNAL);
    ProxyConnection goingAway = failingConnection(Status.UNAVAILABLE);

    internal.onRequest(request(XdsType.CLUSTER));
    goingAway.onRequest(request(XdsType.LISTENER));

    assertThat(events.lines()).containsExactly("senderr cds");
  }

  /** A connection whose stream refuses every response with this status. */
  private ProxyConnection failingConnection(Status status) throws Exception {
    return new ProxyConnection("pod-a.default-1", source.proxy(XdsTestClient.sidecarNode()), "127.0.0.1:1",
        Instant.EPOCH, false, source, events, new XdsCounters(), java.time.Clock.systemUTC(),
        new ProxyConnection.Sender() {
          @Override
          public boolean isReady() {
            return true;
          }

          @Override
          public void send(WireResponse response) {
            throw status.asRuntimeException();
          }
        }, new SendBudget(0, Runnable::run));
  }

  private static DiscoveryRequest request(XdsType type) {
    return DiscoveryRequest.newBuilder().setTypeUrl(type.typeUrl()).build();
  }

  private void awaitLines(String prefix, int count) {
    await().atMost(XdsTestClient.WAIT).until(() -> events.lines(prefix).size() >= count);
  }

  private String onlyConnection() {
    await().atMost(XdsTestClient.WAIT).until(() -> server.connectionIds().size() == 1);
    return server.connectionIds().getFirst();
  }

  private static long resourceBytes(DiscoveryResponse response) {
    return response.getResourcesList().stream().map(Any::getValue).mapToLong(value -> value.size()).sum();
  }

  private static Node nodeWithVersion(String version) {
    Node node = XdsTestClient.sidecarNode();
    Struct metadata = node.getMetadata().toBuilder()
        .putFields("ISTIO_VERSION", Value.newBuilder().setStringValue(version).build()).build();
    return node.toBuilder().setMetadata(metadata).build();
  }
}
