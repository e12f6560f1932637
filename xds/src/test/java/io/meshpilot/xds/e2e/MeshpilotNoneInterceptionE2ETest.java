package io.meshpilot.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.xds.MeshDiscovery;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.push.PushSettings;
import io.meshpilot.xds.server.ProxySyncState;
import io.meshpilot.xds.server.SyncStatus;
import io.meshpilot.xds.server.TypeSyncState;
import io.meshpilot.xds.server.XdsType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * meshpilot end to end with real Envoy in INTERCEPTION_MODE NONE, over SotW and Delta ADS: the
 * registry, the generators and the ADS server together. Envoy binds 127.0.0.1:9080 for the HTTP
 * services and 127.0.0.1:9090 for a TCP service; backends run on loopback addresses as workloads.
 */
@Timeout(180)
class MeshpilotNoneInterceptionE2ETest {
  private static final String REVIEWS = "reviews.default.svc.cluster.local";
  private static final Duration AT_MOST = Duration.ofSeconds(15);

  private final MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
  private final Closer closer = new Closer();

  @AfterEach
  void closeAll() throws Exception {
    closer.close();
  }

  private <T extends AutoCloseable> T track(T resource) {
    return closer.track(resource);
  }

  @ParameterizedTest
  @EnumSource(EnvoyBootstrap.AdsMode.class)
  void sidecarRoutesByHostSpreadsLoadFollowsEndpointsAndServesTcp(EnvoyBootstrap.AdsMode mode) throws Exception {
    int workloadPort = freePort();
    Map<String, HttpBackend> reviews = new LinkedHashMap<>();
    for (int i = 1; i <= 3; i++) {
      reviews.put("127.0.0.1" + i, track(HttpBackend.start("reviews-v" + i, "127.0.0.1" + i, workloadPort)));
    }
    HttpBackend details = track(HttpBackend.start("details-v1", "127.0.0.21", workloadPort));
    TcpEchoBackend echo = track(TcpEchoBackend.start("echo-v1", "127.0.0.31", workloadPort));

    service("reviews", "10.96.0.12", "http", 9080);
    reviews.forEach((ip, backend) -> pod(backend.name(), ip));
    registry.upsert("test", slice("reviews", "http", workloadPort, List.copyOf(reviews.keySet())));
    service("echo", "10.96.0.31", "tcp-echo", 9090);
    pod("echo-v1", "127.0.0.31");
    registry.upsert("test", slice("echo", "tcp-echo", workloadPort, List.of("127.0.0.31")));

    MeshDiscovery discovery = track(MeshDiscovery.start(registry, MeshSettings.defaults(), PushSettings.defaults(),
        new InetSocketAddress("127.0.0.1", 0)));
    SidecarNode node = SidecarNode.of("productpage-v1-7d9f8", "default", "127.0.0.1")
        .withLabels(Map.of("app", "productpage"))
        .withInterceptionMode(SidecarNode.InterceptionMode.NONE);
    EnvoyProcess envoy = track(EnvoyProcess.start(EnvoyBootstrap.forSidecar(node)
        .withAds(mode, new InetSocketAddress("127.0.0.1", discovery.port()))).awaitLive());

    // Host names the domain rules allow for a proxy in the same namespace, and the VIP.
    for (String host : List.of(REVIEWS, "reviews", "reviews.default", "reviews.default.svc", "10.96.0.12")) {
      assertThat(get(9080, host)).as("Host: %s %s", host, envoy.diagnostics()).contains("served-by: reviews-v");
    }
    Set<String> servedBy = new HashSet<>();
    for (int i = 0; i < 60 && servedBy.size() < 3; i++) {
      servedBy.add(servedBy(get(9080, REVIEWS)));
    }
    assertThat(servedBy).containsExactlyInAnyOrder("reviews-v1", "reviews-v2", "reviews-v3");
    assertThat(TcpEchoBackend.call(new InetSocketAddress("127.0.0.1", 9090), "ping", Duration.ofSeconds(5)))
        .isEqualTo(new TcpEchoBackend.Reply("echo-v1", "ping"));
    assertThat(echo.connectionCount()).isEqualTo(1);

    // Removing an endpoint is an EDS-only push: no CDS or LDS update, traffic stops reaching it.
    long cdsUpdates = envoy.stat("cluster_manager.cds.update_success");
    long ldsUpdates = envoy.stat("listener_manager.lds.update_success");
    String edsVersion = edsAckedVersion(discovery);
    long changed = System.nanoTime();
    registry.upsert("test", slice("reviews", "http", workloadPort, List.of("127.0.0.11", "127.0.0.12")));
    await().atMost(AT_MOST).until(() -> !edsAckedVersion(discovery).equals(edsVersion)
        && discovery.syncStatus().proxies().get(0).type(XdsType.ENDPOINT).status() == SyncStatus.SYNCED);
    long ackMillis = (System.nanoTime() - changed) / 1_000_000;
    System.out.printf("[%s] registry change → Envoy ACK of the EDS push: %d ms%n", mode, ackMillis);
    int v3Before = reviews.get("127.0.0.13").requestCount();
    for (int i = 0; i < 30; i++) {
      assertThat(servedBy(get(9080, REVIEWS))).isIn("reviews-v1", "reviews-v2");
    }
    assertThat(reviews.get("127.0.0.13").requestCount()).isEqualTo(v3Before);
    assertThat(envoy.stat("cluster_manager.cds.update_success")).isEqualTo(cdsUpdates);
    assertThat(envoy.stat("listener_manager.lds.update_success")).isEqualTo(ldsUpdates);

    // A new service on the same port becomes routable (RDS).
    service("details", "10.96.0.21", "http", 9080);
    pod("details-v1", "127.0.0.21");
    registry.upsert("test", slice("details", "http", workloadPort, List.of("127.0.0.21")));
    await().atMost(AT_MOST).until(() -> get(9080, "details.default.svc.cluster.local").contains("served-by: details-v1"));
    assertThat(details.requestCount()).isPositive();

    // Nothing was rejected, and the names are istiod's.
    assertThat(envoy.stats("update_rejected")).as(envoy::diagnostics).allSatisfy((name, value) -> assertThat(value).isZero());
    String dump = envoy.configDump("").toString();
    assertThat(dump).contains("outbound|9080||reviews.default.svc.cluster.local", "\"route_config_name\":\"9080\"",
        "127.0.0.1_9080", "127.0.0.1_9090", "outbound|9090||echo.default.svc.cluster.local");
    ProxySyncState proxy = discovery.syncStatus().proxies().get(0);
    assertThat(proxy.types().values()).extracting(TypeSyncState::status).containsOnly(SyncStatus.SYNCED);
  }

  private static String edsAckedVersion(MeshDiscovery discovery) {
    List<ProxySyncState> proxies = discovery.syncStatus().proxies();
    return proxies.isEmpty() ? "" : String.valueOf(proxies.get(0).type(XdsType.ENDPOINT).versionAcked());
  }

  private void service(String name, String clusterIp, String portName, int port) {
    registry.upsert("test", new ServiceBuilder().withNewMetadata().withName(name).withNamespace("default")
        .withCreationTimestamp("2026-11-01T09:00:00Z").endMetadata()
        .withNewSpec().withType("ClusterIP").withClusterIP(clusterIp).withClusterIPs(clusterIp)
        .withSelector(Map.of("app", name)).addNewPort().withName(portName).withPort(port).endPort().endSpec().build());
  }

  private void pod(String name, String ip) {
    String app = name.substring(0, name.indexOf('-'));
    registry.upsert("test", new PodBuilder().withNewMetadata().withName(name).withNamespace("default")
        .withLabels(Map.of("app", app, "version", name.substring(name.indexOf('-') + 1))).endMetadata()
        .withNewSpec().withServiceAccountName(app).endSpec()
        .withNewStatus().withPodIP(ip).addNewPodIP(ip)
        .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build());
  }

  private static EndpointSlice slice(String service, String portName, int port, List<String> ips) {
    EndpointSliceBuilder slice = new EndpointSliceBuilder().withNewMetadata().withName(service + "-abc")
        .withNamespace("default").withLabels(Map.of("kubernetes.io/service-name", service)).endMetadata()
        .withAddressType("IPv4").addNewPort().withName(portName).withPort(port).endPort();
    for (String ip : ips) {
      slice.addToEndpoints(new EndpointBuilder().withAddresses(ip).withNewConditions().withReady(true).endConditions()
          .build());
    }
    return slice.build();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.11"))) {
      return socket.getLocalPort();
    }
  }

  private static String servedBy(String response) {
    int at = response.indexOf("served-by: ");
    return at < 0 ? response : response.substring(at + "served-by: ".length()).lines().findFirst().orElse("").trim();
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
