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
import io.meshpilot.xds.e2e.Closer;
import io.meshpilot.xds.e2e.EnvoyBootstrap;
import io.meshpilot.xds.e2e.EnvoyBootstrap.AdsMode;
import io.meshpilot.xds.e2e.EnvoyProcess;
import io.meshpilot.xds.e2e.SidecarNode;
import io.meshpilot.xds.push.PushSettings;
import io.meshpilot.xds.server.ResourceSet;
import io.meshpilot.xds.server.ResourceSource;
import io.meshpilot.xds.server.XdsType;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code /debug/why} and {@code meshpilot why} against real Envoy (SotW and Delta), for the three
 * places a change can stand: one the proxy has (every type ACKed), one it has not been sent yet
 * (Envoy frozen, so its previous response is still unanswered), and one it NACKed (the hostname's
 * cluster made invalid through a test-only generator hook), with Envoy's own error.
 */
@Timeout(240)
class WhyE2ETest {
  private static final String PROXY = "productpage-v1-7d9f8.default";
  private static final String REVIEWS = "reviews.default.svc.cluster.local";
  private static final String RATINGS = "ratings.default.svc.cluster.local";
  private static final String PENDING = "pending.default.svc.cluster.local";
  private static final String DETAILS = "details.default.svc.cluster.local";
  private static final Duration AT_MOST = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
  private final HttpClient http = HttpClient.newHttpClient();
  private final Closer closer = new Closer();
  /** The hostname whose clusters are sent invalid, if any. */
  private final AtomicReference<String> rejectedHost = new AtomicReference<>();
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
  void whyTellsAckedNotYetSentAndNackedApart(AdsMode mode) throws Exception {
    TestMesh.service(registry, "reviews", "10.96.0.12", 9080, "812");
    MeshMetrics metrics = track(new MeshMetrics(registry));
    MeshDiscovery discovery = track(MeshDiscovery.start(registry, MeshSettings.defaults(), PushSettings.defaults(),
        new InetSocketAddress("127.0.0.1", 0), metrics, this::rejectingClustersOfOneHost));
    DebugHttpServer debug = track(DebugHttpServer.start(new DebugHttpOptions("127.0.0.1", 0, "test"),
        new DebugSources(registry, Optional.of(discovery), metrics)));
    pilot = "http://127.0.0.1:" + debug.port();
    SidecarNode node = SidecarNode.of("productpage-v1-7d9f8", "default", "127.0.0.1")
        .withLabels(Map.of("app", "productpage"));
    EnvoyProcess envoy = track(EnvoyProcess.start(EnvoyBootstrap.forSidecar(node)
        .withAds(mode, new InetSocketAddress("127.0.0.1", discovery.port()))).awaitLive());

    // A change the proxy has: in the registry from its Service and EndpointSlice, visible, in the
    // config the proxy got on connect, and every type ACKed.
    await().atMost(AT_MOST).until(() -> statuses(why(REVIEWS)).values().stream().allMatch("ACKED"::equals));
    JsonNode reviews = why(REVIEWS);
    assertThat(reviews.path("registry").path("status").asText()).isEqualTo("KNOWN");
    assertThat(reviews.path("registry").path("objects").get(0).toString())
        .contains("\"kind\":\"Service\"", "\"name\":\"reviews\"", "\"resourceVersion\":\"812\"");
    assertThat(reviews.path("registry").path("endpointsChange").toString())
        .contains("\"kind\":\"EndpointSlice\"", "\"name\":\"reviews-abc\"", "\"source\":\"test\"",
            "\"resourceVersion\":\"812\"");
    assertThat(reviews.path("visibility").path("visible").asBoolean()).isTrue();
    assertThat(texts(reviews.path("visibility").path("clusters"))).containsExactly("outbound|9080||" + REVIEWS);
    assertThat(texts(reviews.path("visibility").path("listeners"))).containsExactly("0.0.0.0_9080");
    assertThat(texts(reviews.path("visibility").path("routes"))).containsExactly("9080");
    assertThat(reviews.path("pushes").findValuesAsText("status")).containsOnly("CONNECTED_AFTER");
    assertThat(statuses(reviews)).containsOnlyKeys("cds", "eds", "lds", "rds");

    // Not yet sent: Envoy frozen, the next CDS response (ratings) is sent and waits for its ACK, so
    // the one after it (pending) stays unsent though its push reached the connection.
    envoy.pause();
    try {
      TestMesh.service(registry, "ratings", "10.96.0.13", 9080, "900");
      await().atMost(AT_MOST).until(() -> "SENT".equals(statuses(why(RATINGS)).get("cds")));
      TestMesh.service(registry, "pending", "10.96.0.14", 9080, "901");
      await().atMost(AT_MOST).until(() -> why(PENDING).path("pushes").findValuesAsText("status").contains("REACHED"));
      JsonNode pending = why(PENDING);
      assertThat(pending.path("registry").path("status").asText()).isEqualTo("KNOWN");
      assertThat(statuses(pending).get("cds")).isEqualTo("NOT_SENT");
      assertThat(pending.path("proxy").path("cds").path("detail").asText())
          .startsWith("not yet sent: waiting for the proxy to ACK or NACK nonce");
      assertThat(CliRun.output("why", PROXY, PENDING, "--pilot", pilot))
          .contains("REGISTRY    KNOWN", "outbound|9080||" + PENDING, "NOT_SENT", "waiting for the proxy to ACK");
    } finally {
      envoy.resume();
    }
    await().atMost(AT_MOST).until(() -> "ACKED".equals(statuses(why(PENDING)).get("cds")));

    // NACKed: the hostname's cluster is sent invalid; Envoy's error is reported, its endpoints are
    // not asked for (Envoy never accepted the cluster), and the rest of the config is untouched.
    rejectedHost.set(DETAILS);
    TestMesh.service(registry, "details", "10.96.0.15", 9080, "950");
    await().atMost(AT_MOST).until(() -> "NACKED".equals(statuses(why(DETAILS)).get("cds")));
    JsonNode details = why(DETAILS);
    assertThat(details.path("proxy").path("cds").path("error").asText()).contains("Expected positive duration");
    assertThat(details.path("proxy").path("cds").path("detail").asText())
        .startsWith("NACKed at").contains("Expected positive duration");
    assertThat(details.path("proxy").path("eds").path("detail").asText())
        .isEqualTo("not yet sent: the proxy does not watch outbound|9080||" + DETAILS
            + " (it has not accepted that cluster)");
    assertThat(details.path("pushes").findValuesAsText("status")).contains("REACHED");
    assertThat(statuses(why(REVIEWS)).get("eds")).isEqualTo("ACKED");
    assertThat(CliRun.output("why", PROXY, DETAILS, "--pilot", pilot))
        .contains("NACKED", "Expected positive duration", "Service default/details");
    assertThat(envoy.stat("cluster_manager.cds.update_rejected")).isPositive();
  }

  /** The test-only generator hook: clusters of {@link #rejectedHost} get a connect timeout Envoy refuses. */
  private ResourceSource rejectingClustersOfOneHost(ResourceSource real) {
    return new TamperedSource(real, (type, resources) -> {
      String host = rejectedHost.get();
      if (host == null || type != XdsType.CLUSTER) {
        return resources;
      }
      List<Message> edited = resources.messages().stream()
          .map(m -> (Message) (((Cluster) m).getName().endsWith("|" + host)
              ? ((Cluster) m).toBuilder()
                  .setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(-1)).build()
              : m))
          .toList();
      return ResourceSet.ofMessages(edited);
    });
  }

  private JsonNode why(String hostname) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(pilot + "/debug/why?proxyID="
        + PROXY + "&hostname=" + URLEncoder.encode(hostname, StandardCharsets.UTF_8))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /** The proxy stage's status per type. */
  private static Map<String, String> statuses(JsonNode why) {
    Map<String, String> statuses = new java.util.LinkedHashMap<>();
    why.path("proxy").fields().forEachRemaining(e -> statuses.put(e.getKey(), e.getValue().path("status").asText()));
    return statuses;
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new java.util.ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }
}
