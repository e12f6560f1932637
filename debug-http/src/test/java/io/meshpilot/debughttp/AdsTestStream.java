package io.meshpilot.debughttp;

import static org.awaitility.Awaitility.await;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.rpc.Status;
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
 * One state-of-the-world ADS stream driven the way Envoy drives it (node on the first request only,
 * explicit ACKs and NACKs), just enough to make meshpilot push.
 */
final class AdsTestStream implements AutoCloseable {
  static final String ISTIO_VERSION = "1.24.0";

  private final ManagedChannel channel;
  private final StreamObserver<DiscoveryRequest> requests;
  private final List<DiscoveryResponse> responses = new CopyOnWriteArrayList<>();
  private boolean nodeSent;

  AdsTestStream(int port) {
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(
        new StreamObserver<>() {
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

  /** A request for every resource of a wildcard type (CDS, LDS). */
  synchronized void request(String typeUrl, String version, String nonce) {
    send(DiscoveryRequest.newBuilder().setTypeUrl(typeUrl).setVersionInfo(version)
        .setResponseNonce(nonce));
  }

  void ack(DiscoveryResponse response) {
    request(response.getTypeUrl(), response.getVersionInfo(), response.getNonce());
  }

  /** Rejects a response, keeping the last accepted version. */
  synchronized void nack(DiscoveryResponse response, String lastAccepted) {
    send(DiscoveryRequest.newBuilder().setTypeUrl(response.getTypeUrl()).setVersionInfo(lastAccepted)
        .setResponseNonce(response.getNonce())
        .setErrorDetail(Status.newBuilder().setCode(3).setMessage("rejected by the test")));
  }

  /** The {@code n}th response (1-based) of this type, once it has arrived. */
  DiscoveryResponse response(String typeUrl, int n) {
    await().atMost(Duration.ofSeconds(10)).until(() -> ofType(typeUrl).size() >= n);
    return ofType(typeUrl).get(n - 1);
  }

  List<DiscoveryResponse> ofType(String typeUrl) {
    return responses.stream().filter(r -> r.getTypeUrl().equals(typeUrl)).toList();
  }

  private void send(DiscoveryRequest.Builder request) {
    if (!nodeSent) {
      request.setNode(node());
      nodeSent = true;
    }
    requests.onNext(request.build());
  }

  private static Node node() {
    return Node.newBuilder().setId("sidecar~10.0.0.1~pod-a.default~default.svc.cluster.local")
        .setMetadata(Struct.newBuilder()
            .putFields("NAMESPACE", text("default"))
            .putFields("INSTANCE_IPS", text("10.0.0.1"))
            .putFields("CLUSTER_ID", text("Kubernetes"))
            .putFields("ISTIO_VERSION", text(ISTIO_VERSION)))
        .build();
  }

  private static Value text(String value) {
    return Value.newBuilder().setStringValue(value).build();
  }

  @Override
  public synchronized void close() throws InterruptedException {
    requests.onCompleted();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
