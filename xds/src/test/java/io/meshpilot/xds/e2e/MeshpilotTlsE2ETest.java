package io.meshpilot.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.xds.MeshDiscovery;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.XdsEvents;
import io.meshpilot.xds.e2e.TestCertificates.Authority;
import io.meshpilot.xds.e2e.TestCertificates.Issued;
import io.meshpilot.xds.e2e.TestCertificates.KeyType;
import io.meshpilot.xds.push.PushSettings;
import io.meshpilot.xds.server.ProxySyncState;
import io.meshpilot.xds.server.XdsTlsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS xDS (istiod's 15012) with real Envoy: the TLS listener serves what the plaintext one does,
 * refuses clients without a certificate from the client CA, and serves a rotated certificate to new
 * connections while connected Envoys stay connected. The server's files sit in a Kubernetes-style
 * Secret mount that is updated by swapping its {@code ..data} link.
 */
@Timeout(180)
class MeshpilotTlsE2ETest {
  private static final String REVIEWS = "reviews.default.svc.cluster.local";
  private static final Duration AT_MOST = Duration.ofSeconds(20);

  @TempDir static Path certDir;
  private static Authority ca;
  private static Issued server;
  private static Issued rotated;
  private static Issued client;
  private static Issued foreignClient;

  @TempDir Path dir;
  private final MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
  private final Closer closer = new Closer();
  private SecretMount secret;
  private MeshDiscovery discovery;
  private Path caFile;

  @BeforeAll
  static void issueCertificates() {
    ca = TestCertificates.authority(certDir.resolve("ca"), "meshpilot-test-ca");
    server = ca.issueServer(KeyType.EC);
    rotated = ca.issueServer(KeyType.RSA);
    client = ca.issue("sidecar.default", KeyType.EC, "uri:spiffe://cluster.local/ns/default/sa/productpage");
    foreignClient = TestCertificates.authority(certDir.resolve("foreign"), "someone-else")
        .issue("sidecar.default", KeyType.EC);
  }

  @BeforeEach
  void startMeshpilotWithClientVerification() throws IOException {
    int workloadPort = freePort();
    closer.track(HttpBackend.start("reviews-v1", "127.0.0.11", workloadPort));
    service("reviews", "10.96.0.12");
    pod("reviews-v1", "127.0.0.11");
    slice("reviews", workloadPort, "127.0.0.11");

    secret = SecretMount.create(dir.resolve("secret"), secretFiles(server));
    caFile = dir.resolve("ca.crt");
    Files.writeString(caFile, ca.certificatePem());
    XdsTlsOptions tls = XdsTlsOptions.of(new InetSocketAddress("127.0.0.1", 0), secret.file("tls.crt"),
        secret.file("tls.key")).withClientCa(secret.file("ca.crt"));
    discovery = closer.track(MeshDiscovery.start(registry, MeshSettings.defaults(), PushSettings.defaults(),
        new InetSocketAddress("127.0.0.1", 0), Optional.of(tls), XdsEvents.NONE));
  }

  @AfterEach
  void closeAll() throws Exception {
    closer.close();
  }

  @Test
  void envoyOverTlsGetsTheSameConfigAsOverPlaintext() throws Exception {
    Map<String, JsonNode> plaintext;
    try (EnvoyProcess envoy = EnvoyProcess.start(bootstrap()
        .withAds(EnvoyBootstrap.AdsMode.SOTW, new InetSocketAddress("127.0.0.1", discovery.port()))).awaitLive()) {
      assertThat(get(9080, REVIEWS)).as(envoy::diagnostics).contains("served-by: reviews-v1");
      plaintext = dynamicConfig(envoy);
    }

    EnvoyProcess envoy = closer.track(EnvoyProcess.start(tlsBootstrap(Optional.of(client))).awaitLive());

    assertThat(get(9080, REVIEWS)).as(envoy::diagnostics).contains("served-by: reviews-v1");
    assertThat(dynamicConfig(envoy)).isEqualTo(plaintext);
    assertThat(plaintext.keySet()).contains("cluster outbound|9080||" + REVIEWS, "listener 127.0.0.1_9080",
        "route 9080");
    assertThat(envoy.stat("cluster.xds-grpc.ssl.handshake")).isEqualTo(1);
  }

  @Test
  void withClientVerificationClientsWithoutAValidCertificateAreRefused() throws Exception {
    EnvoyProcess noCertificate = closer.track(EnvoyProcess.start(tlsBootstrap(Optional.empty())));
    EnvoyProcess foreignCertificate = closer.track(EnvoyProcess.start(tlsBootstrap(Optional.of(foreignClient))));

    for (EnvoyProcess envoy : List.of(noCertificate, foreignCertificate)) {
      // Envoy has tried, and its connection failed in the TLS layer.
      await().atMost(AT_MOST).until(() -> envoy.stat("cluster.xds-grpc.upstream_cx_total") >= 2
          && envoy.stat("cluster.xds-grpc.ssl.connection_error") >= 1);
      // With TLS 1.3 the client finishes its side of the handshake before the server has checked
      // its certificate, so Envoy may count a retry as connected for an instant; it never stays so.
      await().atMost(AT_MOST).until(() -> envoy.stat("control_plane.connected_state") == 0);
      assertThat(envoy.ready()).isNotEqualTo("LIVE");
    }
    assertThat(discovery.syncStatus().proxies()).isEmpty();
    // The server ends the handshake: the client sees the alert, or the closed socket if it was writing.
    assertThatThrownBy(() -> servedCertificate(Optional.empty()))
        .isInstanceOfAny(SSLException.class, java.net.SocketException.class);
    assertThat(servedCertificate(Optional.of(client)).getSerialNumber()).isEqualTo(server.serial());
  }

  @Test
  void aRotatedCertificateReachesNewConnectionsWhileConnectedEnvoysStayConnected() throws Exception {
    EnvoyProcess envoy = closer.track(EnvoyProcess.start(tlsBootstrap(Optional.of(client))).awaitLive());
    long connections = envoy.stat("cluster.xds-grpc.upstream_cx_total");
    List<String> streams = connectionIds();
    assertThat(servedCertificate(Optional.of(client)).getSerialNumber()).isEqualTo(server.serial());

    secret.update(secretFiles(rotated));

    await().atMost(AT_MOST).until(() -> servedCertificate(Optional.of(client)).getSerialNumber(),
        serial -> serial.equals(rotated.serial()));
    assertThat(envoy.stat("control_plane.connected_state")).as(envoy::diagnostics).isEqualTo(1);
    assertThat(envoy.stat("cluster.xds-grpc.upstream_cx_total")).isEqualTo(connections);
    assertThat(connectionIds()).isEqualTo(streams);

    // The old connection still carries pushes.
    service("details", "10.96.0.21");
    await().atMost(AT_MOST).until(() -> envoy.configDump("resource=dynamic_active_clusters").toString()
        .contains("outbound|9080||details.default.svc.cluster.local"));
    assertThat(envoy.stat("cluster.xds-grpc.upstream_cx_total")).isEqualTo(connections);
  }

  private List<String> connectionIds() {
    return discovery.syncStatus().proxies().stream().map(ProxySyncState::connectionId).toList();
  }

  private static Map<String, String> secretFiles(Issued serving) {
    return Map.of("tls.crt", serving.certificatePem(), "tls.key", serving.keyPem(), "ca.crt", ca.certificatePem());
  }

  private static EnvoyBootstrap bootstrap() {
    return EnvoyBootstrap.forSidecar(SidecarNode.of("productpage-v1-7d9f8", "default", "127.0.0.1")
        .withLabels(Map.of("app", "productpage")).withInterceptionMode(SidecarNode.InterceptionMode.NONE));
  }

  private EnvoyBootstrap tlsBootstrap(Optional<Issued> clientCertificate) throws IOException {
    Optional<Path> cert = Optional.empty();
    Optional<Path> key = Optional.empty();
    if (clientCertificate.isPresent()) {
      Path clientDir = Files.createTempDirectory(dir, "client");
      cert = Optional.of(clientDir.resolve("cert.pem"));
      key = Optional.of(clientDir.resolve("key.pem"));
      clientCertificate.get().writeTo(cert.get(), key.get());
    }
    return bootstrap().withAds(EnvoyBootstrap.AdsMode.SOTW,
        new InetSocketAddress("127.0.0.1", discovery.tlsPort().orElseThrow())).withAdsTls(caFile, cert, key);
  }

  /** Clusters, listeners and routes Envoy received, by kind and name, without versions and timestamps. */
  private static Map<String, JsonNode> dynamicConfig(EnvoyProcess envoy) {
    Map<String, JsonNode> out = new TreeMap<>();
    for (JsonNode config : envoy.configDump("").path("configs")) {
      for (JsonNode cluster : config.path("dynamic_active_clusters")) {
        out.put("cluster " + cluster.path("cluster").path("name").asText(), cluster.path("cluster"));
      }
      for (JsonNode listener : config.path("dynamic_listeners")) {
        JsonNode active = listener.path("active_state").path("listener");
        out.put("listener " + active.path("name").asText(), active);
      }
      for (JsonNode route : config.path("dynamic_route_configs")) {
        JsonNode routeConfig = route.path("route_config");
        out.put("route " + routeConfig.path("name").asText(), routeConfig);
      }
    }
    return out;
  }

  /**
   * The certificate the TLS port serves a new connection, from a raw JDK handshake (ALPN h2, like a
   * gRPC client), with {@code clientCertificate} as the client's identity. Reads once after the
   * handshake: with TLS 1.3 a refused client certificate surfaces only then.
   */
  private X509Certificate servedCertificate(Optional<Issued> clientCertificate) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    KeyStore identity = KeyStore.getInstance("PKCS12");
    identity.load(null, null);
    clientCertificate.ifPresent(issued -> {
      try {
        identity.setKeyEntry("client", issued.key(), new char[0], new Certificate[] {issued.certificate()});
      } catch (java.security.KeyStoreException e) {
        throw new IllegalStateException(e);
      }
    });
    keyManagers.init(identity, new char[0]);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
        .createSocket("127.0.0.1", discovery.tlsPort().orElseThrow())) {
      socket.setSoTimeout(5_000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {"h2"});
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      OutputStream out = socket.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // empty SETTINGS
      out.flush();
      if (socket.getInputStream().read() < 0) {
        throw new SSLException("connection closed after the handshake");
      }
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  private void service(String name, String clusterIp) {
    registry.upsert("test", new ServiceBuilder().withNewMetadata().withName(name).withNamespace("default")
        .withCreationTimestamp("2026-11-01T09:00:00Z").endMetadata()
        .withNewSpec().withType("ClusterIP").withClusterIP(clusterIp).withClusterIPs(clusterIp)
        .withSelector(Map.of("app", name)).addNewPort().withName("http").withPort(9080).endPort().endSpec().build());
  }

  private void pod(String name, String ip) {
    String app = name.substring(0, name.indexOf('-'));
    registry.upsert("test", new PodBuilder().withNewMetadata().withName(name).withNamespace("default")
        .withLabels(Map.of("app", app)).endMetadata()
        .withNewSpec().withServiceAccountName(app).endSpec()
        .withNewStatus().withPodIP(ip).addNewPodIP(ip)
        .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build());
  }

  private void slice(String service, int port, String ip) {
    registry.upsert("test", new EndpointSliceBuilder().withNewMetadata().withName(service + "-abc")
        .withNamespace("default").withLabels(Map.of("kubernetes.io/service-name", service)).endMetadata()
        .withAddressType("IPv4").addNewPort().withName("http").withPort(port).endPort()
        .addNewEndpoint().withAddresses(ip).withNewConditions().withReady(true).endConditions().endEndpoint().build());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.11"))) {
      return socket.getLocalPort();
    }
  }

  /** One HTTP/1.1 request to Envoy's 127.0.0.1:port with the given Host; returns the raw response. */
  private static String get(int port, String host) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT);
    }
  }
}
