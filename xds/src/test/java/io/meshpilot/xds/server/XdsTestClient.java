package io.meshpilot.xds.server;

import static org.awaitility.Awaitility.await;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An ADS client that behaves like Envoy on the wire: node on the first request only, explicit
 * ACKs and NACKs, every response recorded in arrival order.
 */
final class XdsTestClient implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(5);

  private final ManagedChannel channel;
  private final Node node;
  private final AtomicBoolean nodeSent = new AtomicBoolean();
  private final AtomicReference<Throwable> error = new AtomicReference<>();
  private final List<DiscoveryResponse> responses = new CopyOnWriteArrayList<>();
  private final List<DeltaDiscoveryResponse> deltaResponses = new CopyOnWriteArrayList<>();
  private final Map<XdsType, Integer> consumed = new java.util.concurrent.ConcurrentHashMap<>();
  private StreamObserver<DiscoveryRequest> sotw;
  private StreamObserver<DeltaDiscoveryRequest> delta;

  private XdsTestClient(int port, Node node) {
    this.channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    this.node = node;
  }

  static Node node(String id) {
    return Node.newBuilder().setId(id).setMetadata(Struct.newBuilder()
        .putFields("NAMESPACE", Value.newBuilder().setStringValue("default").build())
        .putFields("INSTANCE_IPS", Value.newBuilder().setStringValue("10.0.0.1").build())
        .putFields("CLUSTER_ID", Value.newBuilder().setStringValue("Kubernetes").build()))
        .build();
  }

  static Node sidecarNode() {
    return node("sidecar~10.0.0.1~pod-a.default~default.svc.cluster.local");
  }

  static XdsTestClient sotw(int port, Node node) {
    XdsTestClient client = new XdsTestClient(port, node);
    client.sotw = AggregatedDiscoveryServiceGrpc.newStub(client.channel)
        .streamAggregatedResources(client.observer(client.responses));
    return client;
  }

  static XdsTestClient delta(int port, Node node) {
    XdsTestClient client = new XdsTestClient(port, node);
    client.delta = AggregatedDiscoveryServiceGrpc.newStub(client.channel)
        .deltaAggregatedResources(client.observer(client.deltaResponses));
    return client;
  }

  /** A SotW request as Envoy sends it. */
  void request(XdsType type, Collection<String> names, String version, String nonce) {
    request(type.typeUrl(), names, version, nonce);
  }

  /** A SotW request of any type URL (istioctl's debug types too). */
  void request(String typeUrl, Collection<String> names, String version, String nonce) {
    DiscoveryRequest.Builder request = DiscoveryRequest.newBuilder().setTypeUrl(typeUrl)
        .addAllResourceNames(names).setVersionInfo(version).setResponseNonce(nonce);
    if (nodeSent.compareAndSet(false, true)) {
      request.setNode(node);
    }
    sotw.onNext(request.build());
  }

  /** ACKs a SotW response, keeping the same names. */
  void ack(XdsType type, DiscoveryResponse response, Collection<String> names) {
    request(type, names, response.getVersionInfo(), response.getNonce());
  }

  /** NACKs a SotW response: error_detail set, version_info still the last accepted one. */
  void nack(XdsType type, DiscoveryResponse response, Collection<String> names,
      String lastAccepted) {
    DiscoveryRequest.Builder request = DiscoveryRequest.newBuilder().setTypeUrl(type.typeUrl())
        .addAllResourceNames(names).setVersionInfo(lastAccepted)
        .setResponseNonce(response.getNonce())
        .setErrorDetail(Status.newBuilder().setCode(3).setMessage("rejected by test"));
    sotw.onNext(request.build());
  }

  /** A Delta request as Envoy sends it. */
  void deltaRequest(XdsType type, Collection<String> subscribe, Collection<String> unsubscribe,
      String nonce, Map<String, String> initialVersions, boolean nack) {
    DeltaDiscoveryRequest.Builder request = DeltaDiscoveryRequest.newBuilder()
        .setTypeUrl(type.typeUrl()).addAllResourceNamesSubscribe(subscribe)
        .addAllResourceNamesUnsubscribe(unsubscribe).setResponseNonce(nonce)
        .putAllInitialResourceVersions(initialVersions);
    if (nack) {
      request.setErrorDetail(Status.newBuilder().setCode(3).setMessage("rejected by test"));
    }
    if (nodeSent.compareAndSet(false, true)) {
      request.setNode(node);
    }
    delta.onNext(request.build());
  }

  /** The next SotW response of this type not yet returned by this method. */
  DiscoveryResponse next(XdsType type) {
    int index = consumed.getOrDefault(type, 0);
    await().atMost(WAIT).until(() -> ofType(type).size() > index);
    consumed.put(type, index + 1);
    return ofType(type).get(index);
  }

  /** The first SotW response of this type URL (a debug type's only answer). */
  DiscoveryResponse first(String typeUrl) {
    await().atMost(WAIT).until(() -> responses.stream().anyMatch(r -> r.getTypeUrl().equals(typeUrl)));
    return responses.stream().filter(r -> r.getTypeUrl().equals(typeUrl)).findFirst().orElseThrow();
  }

  /** The next Delta response of this type not yet returned by this method. */
  DeltaDiscoveryResponse nextDelta(XdsType type) {
    int index = consumed.getOrDefault(type, 0);
    await().atMost(WAIT).until(() -> deltaOfType(type).size() > index);
    consumed.put(type, index + 1);
    return deltaOfType(type).get(index);
  }

  List<DiscoveryResponse> responses() {
    return List.copyOf(responses);
  }

  List<DiscoveryResponse> ofType(XdsType type) {
    return responses.stream().filter(r -> r.getTypeUrl().equals(type.typeUrl())).toList();
  }

  List<DeltaDiscoveryResponse> deltaOfType(XdsType type) {
    return deltaResponses.stream().filter(r -> r.getTypeUrl().equals(type.typeUrl())).toList();
  }

  /** The error the stream ended with, if it did. */
  Throwable error() {
    return error.get();
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private <T> StreamObserver<T> observer(List<T> sink) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        sink.add(value);
      }

      @Override
      public void onError(Throwable t) {
        error.set(t);
      }

      @Override
      public void onCompleted() {}
    };
  }
}
