package io.meshpilot.xds.auth;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Opens one ADS stream the way pilot-agent does (a CDS request carrying an Istio sidecar node,
 * optionally a bearer token in the {@code authorization} metadata and a client certificate) and
 * reports how the server answered: a response, or the status it closed the stream with.
 */
public final class AdsProbe implements AutoCloseable {
  private static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";

  /** The first response, or the error the stream ended with. */
  public record Outcome(Optional<DiscoveryResponse> response, Optional<Status> error) {
    public boolean served() {
      return response.isPresent();
    }

    public Status.Code code() {
      return error.map(Status::getCode).orElse(Status.Code.OK);
    }

    public String description() {
      return error.map(Status::getDescription).orElse("");
    }
  }

  private final ManagedChannel channel;

  private AdsProbe(ManagedChannel channel) {
    this.channel = channel;
  }

  /** Plaintext, to 127.0.0.1:port. */
  public static AdsProbe plaintext(int port) {
    return new AdsProbe(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
  }

  /** TLS to 127.0.0.1:port, trusting {@code caPem}, with a client certificate if given. */
  public static AdsProbe tls(int port, Path caPem, Optional<Path> clientCert, Optional<Path> clientKey) {
    try {
      SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(caPem.toFile());
      if (clientCert.isPresent()) {
        ssl.keyManager(clientCert.get().toFile(), clientKey.orElseThrow().toFile());
      }
      return new AdsProbe(NettyChannelBuilder.forAddress("127.0.0.1", port).sslContext(ssl.build()).build());
    } catch (SSLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An Istio sidecar node for pod {@code pod} in {@code namespace}, with SERVICE_ACCOUNT if given. */
  public static Node sidecar(String pod, String namespace, Optional<String> serviceAccount) {
    Struct.Builder metadata = Struct.newBuilder()
        .putFields("NAMESPACE", Value.newBuilder().setStringValue(namespace).build())
        .putFields("INSTANCE_IPS", Value.newBuilder().setStringValue("10.0.0.1").build())
        .putFields("CLUSTER_ID", Value.newBuilder().setStringValue("Kubernetes").build());
    serviceAccount.ifPresent(sa -> metadata.putFields("SERVICE_ACCOUNT", Value.newBuilder().setStringValue(sa).build()));
    return Node.newBuilder().setId("sidecar~10.0.0.1~" + pod + "." + namespace + "~" + namespace + ".svc.cluster.local")
        .setMetadata(metadata).build();
  }

  /** One stream: sends a CDS request with {@code node}, waits at most {@code wait} for an answer. */
  public Outcome open(Node node, Optional<String> bearerToken, Duration wait) throws Exception {
    return open(node, bearerToken, CDS, List.of(), wait);
  }

  /**
   * One stream, as istioctl opens one: a single request of {@code typeUrl} for {@code names} with
   * {@code node}, waiting at most {@code wait} for the answer.
   */
  public Outcome open(Node node, Optional<String> bearerToken, String typeUrl, List<String> names, Duration wait)
      throws Exception {
    Metadata headers = new Metadata();
    bearerToken.ifPresent(t -> headers.put(XdsAuthInterceptor.AUTHORIZATION, "Bearer " + t));
    CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    StreamObserver<DiscoveryRequest> requests = AggregatedDiscoveryServiceGrpc.newStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .streamAggregatedResources(new StreamObserver<>() {
          @Override
          public void onNext(DiscoveryResponse response) {
            outcome.complete(new Outcome(Optional.of(response), Optional.empty()));
          }

          @Override
          public void onError(Throwable t) {
            outcome.complete(new Outcome(Optional.empty(), Optional.of(Status.fromThrowable(t))));
          }

          @Override
          public void onCompleted() {
            outcome.complete(new Outcome(Optional.empty(), Optional.of(Status.OK)));
          }
        });
    requests.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(typeUrl).addAllResourceNames(names).build());
    try {
      return outcome.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      requests.onCompleted();
    }
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
