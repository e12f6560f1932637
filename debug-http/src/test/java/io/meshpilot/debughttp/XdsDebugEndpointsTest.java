package io.meshpilot.debughttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.xds.MeshDiscovery;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.auth.TokenReviewer;
import io.meshpilot.xds.dump.ConfigDumpBuilder;
import io.meshpilot.xds.dump.ConfigDumpJson;
import io.meshpilot.xds.push.PushSettings;
import io.meshpilot.xds.server.XdsType;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy debug endpoints against a real registry, a real discovery server and one connected
 * SotW client that has ACKed CDS, EDS and LDS and NACKed RDS. A second HTTP server treats every
 * caller as remote, to check protection end to end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class XdsDebugEndpointsTest {
  private static final String REVIEWS_CLUSTER = "outbound|9080||reviews.default.svc.cluster.local";
  private static final String CDS = XdsType.CLUSTER.typeUrl();
  private static final String EDS = XdsType.ENDPOINT.typeUrl();
  private static final String LDS = XdsType.LISTENER.typeUrl();
  private static final String RDS = XdsType.ROUTE.typeUrl();

  private final HttpClient http = HttpClient.newHttpClient();
  private final MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
  private MeshDiscovery discovery;
  private DebugHttpServer server;
  private DebugHttpServer guarded;
  private AdsTestClient proxy;
  private DiscoveryResponse clusters;
  private DiscoveryResponse endpoints;
  private DiscoveryResponse listeners;
  private DiscoveryResponse routes;

  @BeforeAll
  void connectAProxy(@TempDir Path dir) throws Exception {
    registry.upsert("test", MeshObjects.service("default", "reviews", "10.96.0.12", 9080));
    registry.upsert("test", MeshObjects.pod("default", "reviews-v1", "10.1.0.5", "reviews"));
    registry.upsert("test", MeshObjects.slice("default", "reviews", 9080, "10.1.0.5", "reviews-v1"));
    registry.upsert("test", MeshObjects.service("prod", "ratings", "10.96.0.13", 9080));
    discovery = MeshDiscovery.start(registry, MeshSettings.defaults(), PushSettings.defaults(),
        new InetSocketAddress("127.0.0.1", 0));
    DebugSources sources = new DebugSources(registry, Optional.of(discovery), new MeshMetrics(registry));
    server = DebugHttpServer.start(new DebugHttpOptions("127.0.0.1", 0, "test"), sources);
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "ops-token\nshop-token shop\ndefault-token default\n");
    guarded = DebugHttpServer.start(new DebugHttpOptions("127.0.0.1", 0, "test").withTokenFile(tokens), sources,
        TokenReviewer.NONE, address -> false);

    proxy = new AdsTestClient(discovery.port(), AdsTestClient.sidecar("productpage-v1", "default", "10.1.0.9", "productpage"));
    clusters = proxy.subscribe(XdsType.CLUSTER, List.of());
    proxy.ack(XdsType.CLUSTER, clusters, List.of());
    endpoints = proxy.subscribe(XdsType.ENDPOINT, List.of(REVIEWS_CLUSTER));
    proxy.ack(XdsType.ENDPOINT, endpoints, List.of(REVIEWS_CLUSTER));
    listeners = proxy.subscribe(XdsType.LISTENER, List.of());
    proxy.ack(XdsType.LISTENER, listeners, List.of());
    routes = proxy.subscribe(XdsType.ROUTE, List.of("9080"));
    proxy.nack(XdsType.ROUTE, routes, List.of("9080"), "route 9080: unknown cluster");
    await().atMost(Duration.ofSeconds(10)).until(() -> get(server, "/debug/syncz").body().contains("\"status\":\"ERROR\""));
  }

  @AfterAll
  void stop() throws Exception {
    proxy.close();
    guarded.close();
    server.close();
    discovery.close();
  }

  @Test
  void synczShowsNoncesStatusesAndTheNackText() throws Exception {
    HttpResponse<String> response = get(server, "/debug/syncz");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    assertThat(withoutTimes(response.body())).isEqualTo("[{\"cluster_id\":\"Kubernetes\",\"proxy\":\"productpage-v1.default\","
        + "\"proxy_type\":\"sidecar\",\"istio_version\":\"1.30.0\","
        + "\"cluster_sent\":\"" + clusters.getNonce() + "\",\"cluster_acked\":\"" + clusters.getNonce() + "\","
        + "\"listener_sent\":\"" + listeners.getNonce() + "\",\"listener_acked\":\"" + listeners.getNonce() + "\","
        + "\"route_sent\":\"" + routes.getNonce() + "\","
        + "\"endpoint_sent\":\"" + endpoints.getNonce() + "\",\"endpoint_acked\":\"" + endpoints.getNonce() + "\","
        + "\"resources\":{"
        + "\"" + CDS + "\":{\"sent\":\"" + clusters.getNonce() + "\",\"acked\":\"" + clusters.getNonce() + "\",\"sentTime\":\"T\",\"status\":\"SYNCED\"},"
        + "\"" + EDS + "\":{\"sent\":\"" + endpoints.getNonce() + "\",\"acked\":\"" + endpoints.getNonce() + "\",\"sentTime\":\"T\",\"status\":\"SYNCED\"},"
        + "\"" + LDS + "\":{\"sent\":\"" + listeners.getNonce() + "\",\"acked\":\"" + listeners.getNonce() + "\",\"sentTime\":\"T\",\"status\":\"SYNCED\"},"
        + "\"" + RDS + "\":{\"sent\":\"" + routes.getNonce() + "\",\"sentTime\":\"T\",\"lastError\":\"route 9080: unknown cluster\","
        + "\"status\":\"ERROR\",\"error_time\":\"T\"}}}]");
  }

  @Test
  void synczFiltersByNamespaceAndProxyIdGlob() throws Exception {
    assertThat(get(server, "/debug/syncz?namespace=prod").body()).isEqualTo("[]");
    assertThat(get(server, "/debug/syncz?namespace=default").body()).contains("productpage-v1.default");
    assertThat(get(server, "/debug/syncz?proxyID=productpage*").body()).contains("productpage-v1.default");
    assertThat(get(server, "/debug/syncz?proxyID=*.prod").body()).isEqualTo("[]");
    assertThat(get(server, "/debug/syncz?pretty").body()).startsWith("[\n    {\n        \"cluster_id\": \"Kubernetes\",");
  }

  @Test
  void adszListsTheConnectionWithMetadataAndWatches() throws Exception {
    String body = get(server, "/debug/adsz").body();

    assertThat(body.replaceAll("\"connectedAt\":\"[^\"]+\"", "\"connectedAt\":\"T\"")
        .replaceAll("\"address\":\"127\\.0\\.0\\.1:\\d+\"", "\"address\":\"127.0.0.1:P\"")
        .replaceAll("productpage-v1\\.default-\\d+", "productpage-v1.default-N"))
        .isEqualTo("{\"totalClients\":1,\"clients\":[{\"connectionId\":\"productpage-v1.default-N\","
            + "\"connectedAt\":\"T\",\"address\":\"127.0.0.1:P\",\"labels\":{\"app\":\"productpage\"},"
            + "\"metadata\":{\"ISTIO_VERSION\":\"1.30.0\",\"LABELS\":{\"app\":\"productpage\"},\"INSTANCE_IPS\":\"10.1.0.9\","
            + "\"NAMESPACE\":\"default\",\"INTERCEPTION_MODE\":\"REDIRECT\",\"CLUSTER_ID\":\"Kubernetes\"},"
            + "\"watches\":{\"" + CDS + "\":[],\"" + EDS + "\":[\"" + REVIEWS_CLUSTER + "\"],\"" + LDS + "\":[],"
            + "\"" + RDS + "\":[\"9080\"]}}]}");
  }

  @Test
  void adszWithAnUnknownProxyIdIs404WithIstiodsText() throws Exception {
    HttpResponse<String> response = get(server, "/debug/adsz?proxyID=ratings");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).isEqualTo("Proxy not connected to this Pilot instance. It may be connected to another instance.\n");
    assertThat(get(server, "/debug/adsz?proxyID=productpage").body()).startsWith("{\"totalClients\":1,");
    assertThat(get(server, "/debug/adsz?proxyID=*.default").body()).startsWith("{\"totalClients\":1,");
  }

  @Test
  void configDumpIsWhatTheProxyWouldBeSentNow() throws Exception {
    HttpResponse<String> response = get(server, "/debug/config_dump?proxyID=productpage-v1.default");

    assertThat(response.statusCode()).isEqualTo(200);
    ConfigDump.Builder dump = ConfigDump.newBuilder();
    ConfigDumpJson.parser().merge(response.body(), dump);
    ConfigDump expected = new ConfigDumpBuilder(discovery::generate)
        .full(discovery.proxy("productpage-v1").orElseThrow().proxy(), discovery.currentContext().version(), false);
    assertThat(dump.build()).isEqualTo(expected);
    assertThat(response.body()).contains("\"name\":\"" + REVIEWS_CLUSTER + "\"", "\"versionInfo\":\"" + discovery.currentContext().version() + "\"");
  }

  @Test
  void configDumpIncludesEndpointsOnlyWhenAsked() throws Exception {
    assertThat(get(server, "/debug/config_dump?proxyID=productpage").body()).doesNotContain("EndpointsConfigDump");
    assertThat(get(server, "/debug/config_dump?proxyID=productpage&include_eds").body())
        .contains("\"@type\":\"type.googleapis.com/envoy.admin.v3.EndpointsConfigDump\"", "\"address\":\"10.1.0.5\"");
  }

  @Test
  void configDumpTypesGiveAFlatListOfTheWatchedResources() throws Exception {
    ConfigDump.Builder dump = ConfigDump.newBuilder();
    ConfigDumpJson.parser().merge(get(server, "/debug/config_dump?proxyID=productpage&types=RDS").body(), dump);

    assertThat(dump.getConfigsList()).extracting(Any::getTypeUrl).containsExactly(RDS);
    assertThat(dump.getConfigs(0).unpack(RouteConfiguration.class).getName()).isEqualTo("9080");
  }

  @Test
  void configDumpErrorsUseIstiodsTexts() throws Exception {
    HttpResponse<String> missing = get(server, "/debug/config_dump");
    HttpResponse<String> unknown = get(server, "/debug/config_dump?proxyID=ratings");

    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).isEqualTo("You must provide a proxyID in the query string\n");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).isEqualTo("Proxy not connected to this Pilot instance. It may be connected to another instance.\n");
  }

  @Test
  void sidecarzShowsTheProxysResolvedScope() throws Exception {
    HttpResponse<String> response = get(server, "/debug/sidecarz?proxyID=productpage-v1.default");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).startsWith("{\"destinationRules\":{},\"egressListenerServices\":[[{\"Attributes\":")
        .contains("\"name\":\"default-sidecar\",\"namespace\":\"default\",\"outboundTrafficPolicy\":{\"mode\":\"ALLOW_ANY\"}",
            "\"hostname\":\"reviews.default.svc.cluster.local\"", "\"sidecar\":null,\"version\":");
    assertThat(get(server, "/debug/sidecarz").statusCode()).isEqualTo(400);
    assertThat(get(server, "/debug/sidecarz?proxyID=ratings").statusCode()).isEqualTo(404);
  }

  @Test
  void endpointzAndEndpointShardzShowTheRegistryShards() throws Exception {
    String body = get(server, "/debug/endpointz").body();

    assertThat(body).isEqualTo(get(server, "/debug/endpointShardz").body());
    assertThat(body).startsWith("{\"reviews.default.svc.cluster.local\":{\"default\":{\"Shards\":{\"Kubernetes/Kubernetes\":[{")
        .contains("\"Addresses\":[\"10.1.0.5\"]", "\"ServiceAccounts\":{\"spiffe://cluster.local/ns/default/sa/sa-reviews\":{}}")
        .doesNotContain("ratings"); // no endpoints, no shard
    assertThat(get(server, "/debug/endpointz?namespace=prod").body()).isEqualTo("{}");
  }

  @Test
  void debugListNamesEveryDebugEndpoint() throws Exception {
    assertThat(get(server, "/debug/list").body()).isEqualTo(
        "[\"adsz\",\"config_dump\",\"configz\",\"endpointShardz\",\"endpointz\",\"push_status\",\"registryz\","
        + "\"rejectedz\",\"sidecarz\",\"syncz\",\"why\"]");
  }

  // ---- protection, with every caller treated as remote -------------------------------------

  @Test
  void remoteCallersWithoutATokenGet401WithAnEmptyBody() throws Exception {
    HttpResponse<String> response = get(guarded, "/debug/syncz");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).isEmpty();
    assertThat(get(guarded, "/debug/syncz", "Bearer wrong").statusCode()).isEqualTo(401);
  }

  @Test
  void remoteCallersWithAFullAccessTokenSeeEverything() throws Exception {
    assertThat(get(guarded, "/debug/registryz", "Bearer ops-token").statusCode()).isEqualTo(200);
    assertThat(get(guarded, "/debug/syncz", "Bearer ops-token").body()).contains("productpage-v1.default");
  }

  @Test
  void whyTellsTheAckedClusterFromTheNackedRouteWithTheProxysError() throws Exception {
    HttpResponse<String> response = get(server, "/debug/why?proxyID=productpage&hostname=reviews.default.svc.cluster.local");

    assertThat(response.statusCode()).isEqualTo(200);
    String body = response.body();
    assertThat(body).startsWith("{\"proxyID\":\"productpage-v1.default\",\"connectionID\":\"productpage-v1.default-")
        .contains("\"registry\":{\"status\":\"KNOWN\"", "\"kind\":\"EndpointSlice\"",
            "\"visibility\":{\"visible\":true", "\"clusters\":[\"" + REVIEWS_CLUSTER + "\"]",
            "\"cds\":{\"status\":\"ACKED\"", "\"eds\":{\"status\":\"ACKED\"",
            "\"rds\":{\"status\":\"NACKED\"", "\"error\":\"route 9080: unknown cluster\"");
  }

  @Test
  void whyOfAHostnameTheProxyCannotSeeSaysSoAndYieldsNothing() throws Exception {
    String body = get(server, "/debug/why?proxyID=productpage&hostname=nothing.example.com").body();

    assertThat(body).contains("\"registry\":{\"status\":\"UNKNOWN\",\"objects\":[]",
        "\"visibility\":{\"visible\":false,\"reason\":\"not in the registry\",\"clusters\":[],\"listeners\":[],\"routes\":[]}",
        "\"pushes\":[]", "\"cds\":{\"status\":\"NONE\",\"resources\":[]");
  }

  @Test
  void whyNeedsAProxyAndAHostnameAndAConnectedProxy() throws Exception {
    assertThat(get(server, "/debug/why?hostname=reviews.default.svc.cluster.local").statusCode()).isEqualTo(400);
    assertThat(get(server, "/debug/why?proxyID=productpage").body()).isEqualTo(ProxyDebugController.NO_HOSTNAME);
    assertThat(get(server, "/debug/why?proxyID=nobody&hostname=x").statusCode()).isEqualTo(404);
    // it shows registry objects of every namespace: full-access callers only
    assertThat(get(guarded, "/debug/why?proxyID=productpage&hostname=x", "Bearer shop-token").statusCode())
        .isEqualTo(403);
  }

  @Test
  void aNamespacedIdentityGets403OnRegistryWideEndpoints() throws Exception {
    HttpResponse<String> response = get(guarded, "/debug/registryz", "Bearer shop-token");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).isEmpty();
    assertThat(get(guarded, "/debug/endpointz", "Bearer shop-token").statusCode()).isEqualTo(403);
  }

  @Test
  void aNamespacedIdentityNeverSeesAnotherNamespacesProxies() throws Exception {
    HttpResponse<String> dump = get(guarded, "/debug/config_dump?proxyID=productpage", "Bearer shop-token");

    assertThat(dump.statusCode()).isEqualTo(404);
    assertThat(dump.body()).isEqualTo(ProxyDebugController.NOT_CONNECTED);
    assertThat(get(guarded, "/debug/syncz", "Bearer shop-token").body()).isEqualTo("[]");
    assertThat(get(guarded, "/debug/adsz", "Bearer shop-token").body()).isEqualTo("{\"totalClients\":0}");
    assertThat(get(guarded, "/debug/adsz?proxyID=productpage", "Bearer shop-token").statusCode()).isEqualTo(404);
  }

  @Test
  void aNamespacedIdentitySeesItsOwnNamespacesProxies() throws Exception {
    assertThat(get(guarded, "/debug/config_dump?proxyID=productpage", "Bearer default-token").statusCode()).isEqualTo(200);
    assertThat(get(guarded, "/debug/syncz", "Bearer default-token").body()).contains("productpage-v1.default");
    assertThat(get(guarded, "/debug/adsz?push=true", "Bearer default-token").statusCode()).isEqualTo(403);
  }

  @Test
  void probesAndMetricsNeedNoToken() throws Exception {
    assertThat(get(guarded, "/ready").statusCode()).isEqualTo(200);
    assertThat(get(guarded, "/version").statusCode()).isEqualTo(200);
    assertThat(get(guarded, "/metrics").statusCode()).isEqualTo(200);
  }

  private static String withoutTimes(String json) {
    return json.replaceAll("\"(sentTime|error_time)\":\"[^\"]+\"", "\"$1\":\"T\"");
  }

  private HttpResponse<String> get(DebugHttpServer target, String pathAndQuery) throws Exception {
    return send(target, pathAndQuery, Optional.empty());
  }

  private HttpResponse<String> get(DebugHttpServer target, String pathAndQuery, String authorization) throws Exception {
    return send(target, pathAndQuery, Optional.of(authorization));
  }

  private HttpResponse<String> send(DebugHttpServer target, String pathAndQuery, Optional<String> authorization)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.port() + pathAndQuery));
    authorization.ifPresent(value -> request.header("Authorization", value));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

}
