package io.meshpilot.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshpilot.xds.e2e.EnvoyBootstrap;
import io.meshpilot.xds.e2e.EnvoyBootstrap.AdsMode;
import io.meshpilot.xds.e2e.EnvoyProcess;
import io.meshpilot.xds.e2e.HttpBackend;
import io.meshpilot.xds.e2e.SidecarNode;
import io.meshpilot.xds.e2e.TestCertificates;
import io.meshpilot.xds.e2e.TestCertificates.Authority;
import io.meshpilot.xds.e2e.TestCertificates.Issued;
import io.meshpilot.xds.e2e.TestCertificates.KeyType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM with Envoys connected, on the packaged {@code meshpilot.jar} (as a pod is stopped): the
 * process drains xDS and exits well within the pod's 30 s grace period, and the Envoys, one over
 * plaintext xDS and one over TLS with a client certificate, keep serving with their last config.
 */
@Timeout(240)
class ServerShutdownIT {
  private static final Path JAR = Path.of("target/meshpilot.jar");
  private static final String REVIEWS = "reviews.default.svc.cluster.local";
  private static final Duration POD_GRACE = Duration.ofSeconds(30);
  private static final Duration AT_MOST = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final Deque<AutoCloseable> opened = new ArrayDeque<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private Process server;
  private Path serverLog;

  @AfterEach
  void closeAll() throws Exception {
    if (server != null && server.isAlive()) {
      server.destroyForcibly();
    }
    while (!opened.isEmpty()) {
      opened.pop().close();
    }
    http.close();
    if (serverLog != null && Files.exists(serverLog)) {
      System.out.println("---- server log ----\n" + Files.readString(serverLog));
    }
  }

  private <T extends AutoCloseable> T track(T resource) {
    opened.push(resource);
    return resource;
  }

  @Test
  void sigtermDrainsXdsExitsWithinTheGracePeriodAndEnvoysKeepServing() throws Exception {
    int workloadPort = PackagedServer.freePort("127.0.0.11");
    HttpBackend reviews = track(HttpBackend.start("reviews-v1", "127.0.0.11", workloadPort));
    Path configDir = Files.createDirectories(dir.resolve("config"));
    Files.writeString(configDir.resolve("reviews.yaml"), reviewsYaml(workloadPort));
    Authority ca = TestCertificates.authority(dir.resolve("ca"), "meshpilot-test-ca");
    Issued serving = ca.issueServer(KeyType.EC);
    // TLS xDS authenticates the caller (XDS_AUTH): the certificate's SPIFFE identity is in the node's namespace
    Issued client = ca.issue("sidecar.default", KeyType.EC, "uri:spiffe://cluster.local/ns/default/sa/productpage");
    Path tls = Files.createDirectories(dir.resolve("tls"));
    serving.writeTo(tls.resolve("tls.crt"), tls.resolve("tls.key"));
    Files.writeString(tls.resolve("ca.crt"), ca.certificatePem());
    client.writeTo(tls.resolve("client.crt"), tls.resolve("client.key"));

    int grpcPort = PackagedServer.freePort("127.0.0.1");
    int tlsPort = PackagedServer.freePort("127.0.0.1");
    int httpPort = PackagedServer.freePort("127.0.0.1");
    startServer(List.of("--config-dir", configDir.toString(), "--bind-address", "127.0.0.1",
        "--grpc-port", String.valueOf(grpcPort), "--tls-port", String.valueOf(tlsPort),
        "--http-port", String.valueOf(httpPort),
        "--tls-cert-file", tls.resolve("tls.crt").toString(), "--tls-key-file", tls.resolve("tls.key").toString(),
        "--tls-client-ca-file", tls.resolve("ca.crt").toString()));
    await().atMost(Duration.ofSeconds(60)).until(() -> PackagedServer.status(http, httpPort, "/ready") == 200);

    // One Envoy routes traffic (over TLS); another (REDIRECT, plaintext) only holds config.
    EnvoyProcess routing = track(EnvoyProcess.start(EnvoyBootstrap.forSidecar(
            SidecarNode.of("productpage-v1-7d9f8", "default", "127.0.0.1").withLabels(Map.of("app", "productpage"))
                .withInterceptionMode(SidecarNode.InterceptionMode.NONE))
        .withAds(AdsMode.SOTW, new InetSocketAddress("127.0.0.1", tlsPort))
        .withAdsTls(tls.resolve("ca.crt"), Optional.of(tls.resolve("client.crt")), Optional.of(tls.resolve("client.key"))))
        .awaitLive());
    EnvoyProcess holding = track(EnvoyProcess.start(EnvoyBootstrap.forSidecar(
            SidecarNode.of("ratings-v1-5f9c8", "default", "127.0.0.2").withLabels(Map.of("app", "ratings")))
        .withAds(AdsMode.DELTA, new InetSocketAddress("127.0.0.1", grpcPort))).awaitLive());
    assertThat(get(9080, REVIEWS)).as(routing::diagnostics).contains("served-by: reviews-v1");
    for (EnvoyProcess envoy : List.of(routing, holding)) {
      assertThat(envoy.stat("control_plane.connected_state")).as(envoy::diagnostics).isEqualTo(1);
    }

    long sigterm = System.nanoTime();
    server.destroy(); // SIGTERM
    assertThat(server.waitFor(POD_GRACE.toSeconds(), TimeUnit.SECONDS)).as("exited within the pod's grace period")
        .isTrue();
    long exitMillis = (System.nanoTime() - sigterm) / 1_000_000;
    System.out.printf("SIGTERM → exit: %d ms (exit code %d)%n", exitMillis, server.exitValue());

    String log = Files.readString(serverLog);
    assertThat(log).containsSubsequence("shutdown: /ready now answers 503",
        "xDS shutdown: stopped accepting connections", "xDS shutdown: closed 2 stream(s) with UNAVAILABLE",
        "xDS shutdown: all connections closed", "shutdown: done");

    // The Envoys notice the control plane is gone and keep serving with their last config.
    for (EnvoyProcess envoy : List.of(routing, holding)) {
      await().atMost(AT_MOST).until(() -> envoy.stat("control_plane.connected_state") == 0);
      assertThat(envoy.ready()).isEqualTo("LIVE");
    }
    int servedBefore = reviews.requestCount();
    for (int i = 0; i < 10; i++) {
      assertThat(get(9080, REVIEWS)).as(routing::diagnostics).contains("served-by: reviews-v1");
    }
    assertThat(reviews.requestCount()).isEqualTo(servedBefore + 10);
    assertThat(holding.configDump("resource=dynamic_active_clusters").toString())
        .contains("outbound|9080||" + REVIEWS);
  }

  private void startServer(List<String> flags) throws IOException {
    serverLog = dir.resolve("server.log");
    server = PackagedServer.start(JAR, flags, serverLog);
  }

  private static String reviewsYaml(int workloadPort) {
    return """
        apiVersion: v1
        kind: Service
        metadata:
          name: reviews
          namespace: default
          creationTimestamp: '2026-11-01T09:00:00Z'
        spec:
          type: ClusterIP
          clusterIP: 10.96.0.12
          clusterIPs: [10.96.0.12]
          selector:
            app: reviews
          ports:
          - name: http
            port: 9080
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: reviews-v1
          namespace: default
          labels:
            app: reviews
        spec:
          serviceAccountName: reviews
          containers:
          - name: reviews
            image: reviews
        status:
          podIP: 127.0.0.11
          podIPs:
          - ip: 127.0.0.11
          conditions:
          - type: Ready
            status: 'True'
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: reviews-abc
          namespace: default
          labels:
            kubernetes.io/service-name: reviews
        addressType: IPv4
        ports:
        - name: http
          port: %d
        endpoints:
        - addresses: [127.0.0.11]
          conditions:
            ready: true
        """.formatted(workloadPort);
  }

  /** One HTTP/1.1 request to Envoy's 127.0.0.1:port with the given Host; returns the raw response. */
  private static String get(int port, String host) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
    }
  }
}
