package io.meshpilot.xds.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.meshpilot.xds.XdsEvents;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** gRPC flow control and stream admission, with raw gRPC clients. */
class AdsServerFlowControlTest {
  private static final int CLUSTERS = 3_000;

  private final FakeResourceSource source = new FakeResourceSource();
  private final List<AutoCloseable> open = new ArrayList<>();
  private AdsServer server;

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable resource : open.reversed()) {
      resource.close();
    }
    server.close();
  }

  @Test
  void aClientThatDoesNotReadHoldsOneResponseAndThenGetsOnlyTheNewest() throws Exception {
    // about 300 KB of clusters: far beyond the client's 64 KB window and gRPC's ready threshold
    for (int i = 0; i < CLUSTERS; i++) {
      source.put(FakeResourceSource.cluster("outbound|9080||service-" + i + ".a-rather-long-namespace-name.svc"
          + ".cluster.local", 10));
    }
    server = new AdsServer(new InetSocketAddress("127.0.0.1", 0), Optional.empty(), source, XdsEvents.NONE,
        AdsSettings.defaults()).start();
    RawStream stream = new RawStream(server.port(), 64 * 1024);
    stream.send(request(XdsType.CLUSTER));
    stream.send(request(XdsType.LISTENER));
    await().atMost(XdsTestClient.WAIT).until(() -> server.syncStatus().counters().pushes(XdsType.CLUSTER) == 1);

    for (int port = 10_000; port < 10_050; port++) {
      source.put(FakeResourceSource.listener("0.0.0.0_9080", port));
      server.push(PushRequest.fullPush());
    }

    // The transport is full: nothing more was generated or queued for this stream.
    assertThat(server.syncStatus().counters().pushes(XdsType.LISTENER)).isZero();
    assertThat(server.syncStatus().counters().pushes(XdsType.CLUSTER)).isEqualTo(1);

    stream.read(2);
    await().atMost(XdsTestClient.WAIT).until(() -> stream.responses.size() == 2);
    DiscoveryResponse listeners = stream.responses.get(1);
    assertThat(listeners.getTypeUrl()).isEqualTo(XdsType.LISTENER.typeUrl());
    assertThat(listeners.getResources(0).unpack(Listener.class).getAddress().getSocketAddress().getPortValue())
        .isEqualTo(10_049);
    assertThat(server.syncStatus().counters().pushes(XdsType.LISTENER)).isEqualTo(1);
  }

  @Test
  void aBurstBeyondTheRateIsRefusedWithResourceExhaustedAndEveryStreamConnectsAfterBackoff() throws Exception {
    server = new AdsServer(new InetSocketAddress("127.0.0.1", 0), Optional.empty(), source, XdsEvents.NONE,
        AdsSettings.defaults().withMaxRequestsPerSecond(5)).start();
    List<RawStream> burst = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      RawStream stream = new RawStream(server.port(), 1024 * 1024);
      stream.read(Integer.MAX_VALUE);
      stream.send(request(XdsType.CLUSTER));
      burst.add(stream);
    }
    await().atMost(XdsTestClient.WAIT).until(() -> burst.stream().allMatch(s -> s.closed != null
        || !s.responses.isEmpty()));
    List<RawStream> refused = burst.stream().filter(s -> s.closed != null).toList();
    assertThat(refused).isNotEmpty().allSatisfy(s -> {
      assertThat(s.closed.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(s.closed.getDescription()).contains("PILOT_MAX_REQUESTS_PER_SECOND");
    });

    // Envoy backs off and retries; every retry is admitted once tokens have come back.
    List<RawStream> retried = new ArrayList<>();
    for (RawStream ignored : refused) {
      await().pollInterval(Duration.ofMillis(50)).atMost(XdsTestClient.WAIT).until(() -> {
        RawStream retry = new RawStream(server.port(), 1024 * 1024);
        retry.read(Integer.MAX_VALUE);
        retry.send(request(XdsType.CLUSTER));
        await().atMost(XdsTestClient.WAIT).until(() -> retry.closed != null || !retry.responses.isEmpty());
        if (retry.closed != null) {
          return false;
        }
        retried.add(retry);
        return true;
      });
    }
    assertThat(server.connectionIds()).hasSize(burst.size());
  }

  private static DiscoveryRequest request(XdsType type) {
    return DiscoveryRequest.newBuilder().setTypeUrl(type.typeUrl()).setNode(XdsTestClient.sidecarNode()).build();
  }

  /** A bidirectional ADS call that reads only as many responses as it is told to. */
  private final class RawStream implements AutoCloseable {
    final List<DiscoveryResponse> responses = new CopyOnWriteArrayList<>();
    volatile Status closed;
    private final ManagedChannel channel;
    private final ClientCall<DiscoveryRequest, DiscoveryResponse> call;

    RawStream(int port, int flowControlWindow) {
      channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
          .flowControlWindow(flowControlWindow).build();
      call = channel.newCall(AggregatedDiscoveryServiceGrpc.getStreamAggregatedResourcesMethod(),
          CallOptions.DEFAULT);
      call.start(new ClientCall.Listener<>() {
        @Override
        public void onMessage(DiscoveryResponse message) {
          responses.add(message);
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
          closed = status;
        }
      }, new Metadata());
      open.add(this);
    }

    void send(DiscoveryRequest request) {
      call.sendMessage(request);
    }

    void read(int messages) {
      call.request(messages);
    }

    @Override
    public void close() throws InterruptedException {
      call.cancel("test done", null);
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
