package io.meshpilot.xds.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.xds.XdsServerBuilder;
import io.meshpilot.xds.server.ProxySyncState;
import io.meshpilot.xds.server.SyncStatus;
import io.meshpilot.xds.server.XdsType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A gRPC server built with grpc-java's {@code XdsServerBuilder} against meshpilot: it asks for its
 * inbound listener by the bootstrap's template, and serves once meshpilot answers.
 */
@Timeout(120)
class XdsServerE2ETest {
  private static final Duration AT_MOST = Duration.ofSeconds(15);
  private static final String SERVER_IP = "127.0.0.21";

  private final GrpcMesh mesh = new GrpcMesh();

  @AfterEach
  void closeMesh() throws Exception {
    mesh.close();
  }

  @Test
  void xdsServerBecomesServingAndAnswersAProxylessClient() throws Exception {
    int port = freePort();
    // ratings:9080 forwards to the server's port; the server's own node (labels, IP) selects it.
    mesh.registry().upsert("test", new ServiceBuilder().withNewMetadata().withName("ratings")
        .withNamespace(GrpcMesh.NAMESPACE).withCreationTimestamp("2026-11-01T09:00:00Z").endMetadata()
        .withNewSpec().withType("ClusterIP").withClusterIP("10.96.0.22").withClusterIPs("10.96.0.22")
        .withSelector(Map.of("app", "ratings"))
        .addNewPort().withName("grpc").withPort(9080).withTargetPort(new IntOrString(port)).endPort()
        .endSpec().build());
    int xdsPort = mesh.discovery().port();
    GrpcBootstrap serverNode = GrpcBootstrap.of(xdsPort, "ratings-v1-5c6d", "default", SERVER_IP)
        .withLabels(Map.of("app", "ratings"));

    AtomicReference<String> state = new AtomicReference<>("STARTING");
    AtomicInteger calls = new AtomicInteger();
    Server server = XdsServerBuilder.forAddress(new InetSocketAddress(SERVER_IP, port), InsecureServerCredentials.create())
        .overrideBootstrapForTest(serverNode.toMap())
        .xdsServingStatusListener(new XdsServerBuilder.XdsServingStatusListener() {
          @Override
          public void onServing() {
            state.set("SERVING");
          }

          @Override
          public void onNotServing(Throwable throwable) {
            state.set("NOT_SERVING: " + throwable);
          }
        })
        .addService(Whoami.service("ratings-v1", calls))
        .build();
    mesh.track(() -> server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    // start() returns only once the server serves (or fails), so it runs beside the assertions.
    CompletableFuture<Void> started = CompletableFuture.runAsync(() -> {
      try {
        server.start();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    mesh.endpoint("ratings", "grpc", "ratings-v1-5c6d", SERVER_IP, port);

    await().atMost(AT_MOST).untilAsserted(() -> assertThat(state.get()).isEqualTo("SERVING"));
    started.get(5, TimeUnit.SECONDS);
    ProxySyncState proxy = mesh.proxy(serverNode.nodeId()).orElseThrow();
    assertThat(proxy.type(XdsType.LISTENER).watchedNames())
        .containsExactly("xds.istio.io/grpc/lds/inbound/0.0.0.0:" + port); // grpc-java names the wildcard address
    assertThat(proxy.type(XdsType.LISTENER).status()).isEqualTo(SyncStatus.SYNCED);
    assertThat(mesh.discovery().syncStatus().counters().rejects(XdsType.LISTENER)).isZero();

    // Its inbound route lets RPCs through to its own handlers.
    GrpcBootstrap client = GrpcBootstrap.of(xdsPort, "productpage-v1-7d9f8", "default", "127.0.0.1");
    assertThat(Whoami.call(mesh.channel(client, "ratings.default.svc.cluster.local:9080"))).isEqualTo("ratings-v1");
    assertThat(calls.get()).isEqualTo(1);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(SERVER_IP))) {
      return socket.getLocalPort();
    }
  }
}
