package io.meshpilot.xds.server;

import static io.meshpilot.xds.server.FakeResourceSource.RATINGS_CLUSTER;
import static io.meshpilot.xds.server.FakeResourceSource.REVIEWS;
import static io.meshpilot.xds.server.FakeResourceSource.REVIEWS_CLUSTER;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.meshpilot.xds.XdsEvents;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** An endpoints-only push that the send budget holds back goes out once other bytes have. */
class ProxyConnectionBudgetTest {
  private static final List<String> WATCHED = List.of(REVIEWS_CLUSTER, RATINGS_CLUSTER);

  private final FakeResourceSource source = new FakeResourceSource();
  // one byte: while one stream's response is unwritten, no other stream may send
  private final SendBudget budget = new SendBudget(1, Runnable::run);
  private final RecordingSender slowSender = new RecordingSender();
  private final RecordingSender sender = new RecordingSender();

  @Test
  void anEndpointPushOverTheBudgetWaitsAndThenSendsTheChange() throws Exception {
    ProxyConnection slow = connection("slow.default-1", slowSender);
    ProxyConnection held = connection("held.default-2", sender);
    subscribeAndAck(held, sender);
    subscribeAndAck(slow, slowSender);
    source.put(FakeResourceSource.endpoints(REVIEWS_CLUSTER, "10.1.0.9"));
    PushRequest push = PushRequest.endpoints(Set.of(REVIEWS));

    slowSender.holdWhatIsSent = true; // what it is sent next stays in the transport
    slow.push(push);
    held.push(push);

    assertThat(slowSender.sent).hasSize(2);
    assertThat(sender.sent).as("held back by the budget").hasSize(1);
    slowSender.holdWhatIsSent = false;
    slowSender.ready = true;
    slow.onReady(); // its bytes went out: the budget resumes the waiting stream
    assertThat(sender.sent).hasSize(2);
    DiscoveryResponse change = sender.last();
    assertThat(change.getResourcesList()).hasSize(1);
    assertThat(change.getResources(0).unpack(ClusterLoadAssignment.class).getClusterName()).isEqualTo(REVIEWS_CLUSTER);
  }

  private ProxyConnection connection(String id, RecordingSender out) throws Exception {
    return new ProxyConnection(id, source.proxy(XdsTestClient.sidecarNode()), "127.0.0.1:1", Instant.EPOCH, false,
        source, XdsEvents.NONE, new XdsCounters(), Clock.systemUTC(), out, budget);
  }

  private static void subscribeAndAck(ProxyConnection connection, RecordingSender out) {
    DiscoveryRequest subscribe = DiscoveryRequest.newBuilder().setTypeUrl(XdsType.ENDPOINT.typeUrl())
        .addAllResourceNames(WATCHED).build();
    connection.onRequest(subscribe);
    DiscoveryResponse first = out.last();
    connection.onRequest(subscribe.toBuilder().setVersionInfo(first.getVersionInfo())
        .setResponseNonce(first.getNonce()).build());
  }

  /** Keeps what it is sent; says it is ready as told, or not once it holds what it was sent. */
  private static final class RecordingSender implements ProxyConnection.Sender {
    final List<DiscoveryResponse> sent = new CopyOnWriteArrayList<>();
    volatile boolean ready = true;
    volatile boolean holdWhatIsSent;

    @Override
    public boolean isReady() {
      return ready;
    }

    @Override
    public void send(WireResponse response) {
      try (InputStream in = WireResponse.MARSHALLER.stream(response)) {
        sent.add(DiscoveryResponse.parseFrom(in));
        ready = !holdWhatIsSent;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    DiscoveryResponse last() {
      return sent.getLast();
    }
  }
}
