package io.meshpilot.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.meshpilot.debughttp.DebugHttpOptions;
import io.meshpilot.debughttp.DebugHttpServer;
import io.meshpilot.debughttp.DebugSources;
import io.meshpilot.debughttp.MeshMetrics;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.xds.MeshDiscovery;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.push.PushSettings;
import io.meshpilot.xds.server.ResourcePart;
import io.meshpilot.xds.server.ResourceSet;
import io.meshpilot.xds.server.ResourceSource;
import io.meshpilot.xds.server.XdsType;
import io.meshpilot.xds.e2e.Closer;
import io.meshpilot.xds.e2e.EnvoyBootstrap;
import io.meshpilot.xds.e2e.EnvoyBootstrap.AdsMode;
import io.meshpilot.xds.e2e.EnvoyProcess;
import io.meshpilot.xds.e2e.SidecarNode;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The operator's toolkit against real Envoy (SotW and Delta): syncz shows SYNCED after connect,
 * STALE while Envoy has not ACKed a change, ERROR with Envoy's own message for a config it rejects
 * (injected through a test-only generator hook), and the CLI's proxy-status, its diff against
 * Envoy's admin {@code /config_dump}, proxy-config and trace read the same state.
 */
@Timeout(240)
class DebugToolkitE2ETest {
  private static final String REVIEWS = "reviews.default.svc.cluster.local";
  private static final String PROXY = "productpage-v1-7d9f8.default";
  private static final Duration AT_MOST = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> TYPES = List.of(
      "type.googleapis.com/envoy.config.cluster.v3.Cluster",
      "type.googleapis.com/envoy.config.listener.v3.Listener",
      "type.googleapis.com/envoy.config.route.v3.RouteConfiguration",
      "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment");

  private final MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
  private final HttpClient http = HttpClient.newHttpClient();
  private final Closer closer = new Closer();
  private final AtomicBoolean injectBadCluster = new AtomicBoolean();
  private String pilot;

  @AfterEach
  void closeAll() throws Exception {
    closer.close();
    http.close();
  }

  private <T extends AutoCloseable> T track(T resource) {
    return closer.track(resource);
  }

  @ParameterizedTest
  @EnumSource(AdsMode.class)
  void syncStatusProxyStatusDiffProxyConfigAndTraceTellTheTruth(AdsMode mode) throws Exception {
    service("reviews", "10.96.0.12", 9080);
    MeshMetrics metrics = track(new MeshMetrics(registry));
    MeshDiscovery discovery = track(MeshDiscovery.start(registry, MeshSettings.defaults(), PushSettings.defaults(),
        new InetSocketAddress("127.0.0.1", 0), metrics, this::withInjectableBadCluster));
    DebugHttpServer debug = track(DebugHttpServer.start(new DebugHttpOptions("127.0.0.1", 0, "test"),
        new DebugSources(registry, java.util.Optional.of(discovery), metrics)));
    pilot = "http://127.0.0.1:" + debug.port();
    SidecarNode node = SidecarNode.of("productpage-v1-7d9f8", "default", "127.0.0.1")
        .withLabels(Map.of("app", "productpage"));
    EnvoyProcess envoy = track(EnvoyProcess.start(EnvoyBootstrap.forSidecar(node)
        .withAds(mode, new InetSocketAddress("127.0.0.1", discovery.port()))).awaitLive());
    String envoyAdmin = "http://" + hostPort(envoy.adminAddress());

    // After connect: SYNCED for CDS, LDS, RDS and EDS, in syncz and in proxy-status.
    await().atMost(AT_MOST).until(() -> statuses().values().stream().allMatch("SYNCED"::equals)
        && statuses().size() == 4);
    String table = cli("proxy-status", "--pilot", pilot);
    assertThat(table).contains("NAME", "CDS", "LDS", "EDS", "RDS", "ISTIOD", "VERSION", PROXY);
    assertThat(table.lines().filter(l -> l.startsWith(PROXY)).findFirst().orElseThrow())
        .contains("SYNCED").doesNotContain("STALE", "ERROR", "NOT SENT");
    assertThat(cli("proxy-status", PROXY, "--envoy-admin", envoyAdmin, "--pilot", pilot))
        .contains("Clusters Match", "Listeners Match", "Routes Match");

    // A change Envoy has not ACKed yet (Envoy frozen) is STALE until it does.
    envoy.pause();
    try {
      service("ratings", "10.96.0.13", 9080);
      await().atMost(AT_MOST).until(() -> "STALE".equals(statuses().get(TYPES.get(0))));
      assertThat(cli("proxy-status", "--pilot", pilot)).contains("STALE");
    } finally {
      envoy.resume();
    }
    await().atMost(AT_MOST).until(() -> "SYNCED".equals(statuses().get(TYPES.get(0))));

    // A config Envoy rejects: ERROR with Envoy's own message in syncz, proxy-status and the metrics.
    injectBadCluster.set(true);
    service("details", "10.96.0.14", 9080);
    await().atMost(AT_MOST).until(() -> "ERROR".equals(statuses().get(TYPES.get(0))));
    JsonNode cds = syncz().get(0).get("resources").get(TYPES.get(0));
    assertThat(cds.get("lastError").asText()).contains("Expected positive duration"); // Envoy's own words
    assertThat(cds.get("error_time").asText()).isNotBlank();
    String withError = cli("proxy-status", "--pilot", pilot);
    assertThat(withError).contains("ERROR", PROXY + " CDS rejected at", "Expected positive duration");
    assertThat(get("/metrics").lines()).anySatisfy(line ->
        assertThat(line).matches("pilot_total_xds_rejects\\{type=\"cds\"\\} [1-9][0-9.]*"));
    assertThat(envoy.stat("cluster_manager.cds.update_rejected")).isPositive();
    // Envoy kept its old clusters, so it is out of date: the diff names the cluster it lacks.
    assertThat(cli("proxy-status", PROXY, "--envoy-admin", envoyAdmin, "--pilot", pilot))
        .contains("Clusters Don't Match", "outbound|9080||details.default.svc.cluster.local");
    injectBadCluster.set(false);
    service("details", "10.96.0.15", 9080);
    await().atMost(AT_MOST).until(() -> "SYNCED".equals(statuses().get(TYPES.get(0))));
    assertThat(cli("proxy-status", PROXY, "--envoy-admin", envoyAdmin, "--pilot", pilot))
        .contains("Clusters Match", "Listeners Match", "Routes Match");

    // proxy-config tables and trace follow the generated config.
    assertThat(cli("proxy-config", "clusters", PROXY, "--pilot", pilot))
        .contains("SERVICE FQDN", REVIEWS, "outbound", "EDS");
    assertThat(cli("proxy-config", "listeners", PROXY, "--pilot", pilot)).contains("9080", "Route: 9080");
    assertThat(cli("proxy-config", "routes", PROXY, "--pilot", pilot)).contains("9080", REVIEWS + ":9080");
    assertThat(cli("proxy-config", "trace", PROXY, "http://" + REVIEWS + ":9080/reviews/1", "--pilot", pilot))
        .contains("0.0.0.0_9080", "route       9080", "outbound|9080||" + REVIEWS, "10.244.0.12:9080");
  }

  /** The test-only generator hook: while armed, CDS carries a cluster Envoy rejects. */
  private ResourceSource withInjectableBadCluster(ResourceSource real) {
    return new TamperedSource(real, (type, resources) -> {
      if (!injectBadCluster.get() || type != XdsType.CLUSTER) {
        return resources;
      }
      List<ResourcePart> withBad = new java.util.ArrayList<>(resources.parts());
      // A STATIC cluster with a negative connect timeout fails Envoy's proto validation.
      withBad.add(ResourcePart.of(List.of(Cluster.newBuilder().setName("bad-cluster")
          .setType(Cluster.DiscoveryType.STATIC)
          .setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(-1)).build())));
      return ResourceSet.of(withBad);
    });
  }

  private Map<String, String> statuses() throws Exception {
    JsonNode proxies = syncz();
    Map<String, String> statuses = new java.util.LinkedHashMap<>();
    if (proxies.isEmpty()) {
      return statuses;
    }
    proxies.get(0).path("resources").fields().forEachRemaining(e -> {
      if (TYPES.contains(e.getKey())) {
        statuses.put(e.getKey(), e.getValue().path("status").asText());
      }
    });
    return statuses;
  }

  private JsonNode syncz() throws Exception {
    return JSON.readTree(get("/debug/syncz"));
  }

  private String get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(pilot + path)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static String cli(String... args) {
    return CliRun.output(args);
  }

  private static String hostPort(java.net.SocketAddress address) {
    InetSocketAddress inet = (InetSocketAddress) address;
    return inet.getHostString() + ":" + inet.getPort();
  }

  private void service(String name, String clusterIp, int port) {
    TestMesh.service(registry, name, clusterIp, port, "");
  }
}
