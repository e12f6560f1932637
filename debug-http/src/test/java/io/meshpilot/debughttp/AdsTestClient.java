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
import io.meshpilot.xds.server.XdsType;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A minimal state-of-the-world ADS client: node on the first request, explicit ACKs and NACKs. */
final class AdsTestClient implements AutoCloseable {
  private final ManagedChannel channel;
  private final Node node;
  private final List<DiscoveryResponse> responses = new CopyOnWriteArrayList<>();
  private final StreamObserver<DiscoveryRequest> stream;
  private boolean nodeSent;

  AdsTestClient(int port, Node node) {
    this.channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    this.node = node;
    this.stream = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new StreamObserver<>() {
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

  /** A sidecar node as pilot-agent bootstraps it. */
  static Node sidecar(String pod, String namespace, String ip, String app) {
    return Node.newBuilder().setId("sidecar~" + ip + "~" + pod + "." + namespace + "~" + namespace + ".svc.cluster.local")
        .setMetadata(Struct.newBuilder()
            .putFields("NAMESPACE", string(namespace))
            .putFields("INSTANCE_IPS", string(ip))
            .putFields("CLUSTER_ID", string("Kubernetes"))
            .putFields("ISTIO_VERSION", string("1.30.0"))
            .putFields("LABELS", Value.newBuilder().setStructValue(Struct.newBuilder().putFields("app", string(app))).build()))
        .build();
  }

  /** Subscribes and returns the first response of the type. */
  synchronized DiscoveryResponse subscribe(XdsType type, Collection<String> names) {
    int seen = ofType(type).size();
    send(DiscoveryRequest.newBuilder().setTypeUrl(type.typeUrl()).addAllResourceNames(names));
    await().atMost(Duration.ofSeconds(10)).until(() -> ofType(type).size() > seen);
    return ofType(type).get(seen);
  }

  synchronized void ack(XdsType type, DiscoveryResponse response, Collection<String> names) {
    send(DiscoveryRequest.newBuilder().setTypeUrl(type.typeUrl()).addAllResourceNames(names)
        .setVersionInfo(response.getVersionInfo()).setResponseNonce(response.getNonce()));
  }

  synchronized void nack(XdsType type, DiscoveryResponse response, Collection<String> names, String message) {
    send(DiscoveryRequest.newBuilder().setTypeUrl(type.typeUrl()).addAllResourceNames(names)
        .setResponseNonce(response.getNonce())
        .setErrorDetail(Status.newBuilder().setCode(3).setMessage(message)));
  }

  private void send(DiscoveryRequest.Builder request) {
    if (!nodeSent) {
      request.setNode(node);
      nodeSent = true;
    }
    stream.onNext(request.build());
  }

  private List<DiscoveryResponse> ofType(XdsType type) {
    return responses.stream().filter(r -> r.getTypeUrl().equals(type.typeUrl())).toList();
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private static Value string(String value) {
    return Value.newBuilder().setStringValue(value).build();
  }
}
