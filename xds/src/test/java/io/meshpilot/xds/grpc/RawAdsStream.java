package io.meshpilot.xds.grpc;

import static org.awaitility.Awaitility.await;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A SotW ADS stream that speaks like grpc-java's xDS client (node on every request, resources by
 * name for every type), so a test can watch exactly what meshpilot sends a proxyless client.
 */
final class RawAdsStream implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final ManagedChannel channel;
  private final Node node;
  private final List<DiscoveryResponse> responses = new CopyOnWriteArrayList<>();
  private final StreamObserver<DiscoveryRequest> requests;
  private int consumed;

  RawAdsStream(int port, String nodeId, String generator) {
    this.channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    this.node = Node.newBuilder().setId(nodeId).setMetadata(Struct.newBuilder()
        .putFields("GENERATOR", Value.newBuilder().setStringValue(generator).build())
        .putFields("NAMESPACE", Value.newBuilder().setStringValue("default").build()))
        .build();
    this.requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new StreamObserver<>() {
      @Override
      public void onNext(DiscoveryResponse response) {
        responses.add(response);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    });
  }

  /** Asks for {@code names} of a type, ACKing {@code last} (null for the first request). */
  void request(String typeUrl, List<String> names, DiscoveryResponse last) {
    DiscoveryRequest.Builder request = DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(typeUrl)
        .addAllResourceNames(names);
    if (last != null) {
      request.setVersionInfo(last.getVersionInfo()).setResponseNonce(last.getNonce());
    }
    synchronized (requests) {
      requests.onNext(request.build());
    }
  }

  /** The next response not yet taken, waiting for it. */
  DiscoveryResponse next() {
    await().atMost(WAIT).until(() -> responses.size() > consumed);
    return responses.get(consumed++);
  }

  /** True if no response arrived beyond those taken. */
  boolean idle() {
    return responses.size() == consumed;
  }

  @Override
  public void close() throws InterruptedException {
    synchronized (requests) {
      requests.onCompleted();
    }
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
