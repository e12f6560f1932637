package io.meshpilot.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.xds.e2e.SidecarNode.InterceptionMode;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The harness against real Envoy on the host, with a static config (NONE-style: listeners on 127.0.0.1). */
@Timeout(60)
class StaticEnvoySmokeTest {

  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
  private static final SidecarNode NODE = SidecarNode.of("productpage-v1-7d9f8", "default", "127.0.0.1")
      .withLabels(Map.of("app", "productpage", "version", "v1"))
      .withInterceptionMode(InterceptionMode.NONE);

  @Test
  void routesByHostHeaderToTheMatchingBackend() throws Exception {
    try (HttpBackend reviews = HttpBackend.start("reviews-v1", "127.0.0.1", 0);
        HttpBackend ratings = HttpBackend.start("ratings-v1", "127.0.0.1", 0);
        EnvoyProcess envoy = EnvoyProcess.start(hostRouting(reviews, ratings)).awaitLive()) {
      InetSocketAddress listener = new InetSocketAddress("127.0.0.1", envoy.listenerPort("127.0.0.1_http"));

      RawHttp.Response toReviews = RawHttp.get(listener, "reviews.default.svc.cluster.local", "/", CALL_TIMEOUT);
      RawHttp.Response toRatings = RawHttp.get(listener, "ratings.default.svc.cluster.local:9080", "/", CALL_TIMEOUT);

      assertThat(toReviews.status()).as(envoy::diagnostics).isEqualTo(200);
      assertThat(toReviews.body()).isEqualTo("reviews-v1");
      assertThat(toRatings.body()).isEqualTo("ratings-v1");
      assertThat(reviews.requestCount()).isEqualTo(1);
      assertThat(ratings.requestCount()).isEqualTo(1);
      assertThat(envoy.stat("cluster.reviews.upstream_rq_200")).isEqualTo(1);
    }
  }

  @Test
  void unknownHostIsAnsweredByEnvoyWith404() throws Exception {
    try (HttpBackend reviews = HttpBackend.start("reviews-v1", "127.0.0.1", 0);
        HttpBackend ratings = HttpBackend.start("ratings-v1", "127.0.0.1", 0);
        EnvoyProcess envoy = EnvoyProcess.start(hostRouting(reviews, ratings)).awaitLive()) {
      InetSocketAddress listener = new InetSocketAddress("127.0.0.1", envoy.listenerPort("127.0.0.1_http"));

      RawHttp.Response response = RawHttp.get(listener, "details.default.svc.cluster.local", "/", CALL_TIMEOUT);

      assertThat(response.status()).isEqualTo(404);
      assertThat(reviews.requestCount() + ratings.requestCount()).isZero();
    }
  }

  @Test
  void adminApiShowsLiveStateStatsAndConfig() {
    try (HttpBackend reviews = HttpBackend.start("reviews-v1", "127.0.0.1", 0);
        HttpBackend ratings = HttpBackend.start("ratings-v1", "127.0.0.1", 0);
        EnvoyProcess envoy = EnvoyProcess.start(hostRouting(reviews, ratings)).awaitLive()) {
      assertThat(envoy.ready()).isEqualTo("LIVE");
      assertThat(envoy.stat("server.state")).isZero(); // 0 = LIVE
      assertThat(envoy.stat("cluster_manager.active_clusters")).isEqualTo(2);
      assertThat(envoy.stats("^cluster\\.reviews\\.")).containsKey("cluster.reviews.upstream_cx_total");
      assertThat(envoy.configDump("resource=static_clusters").findValuesAsText("name"))
          .contains("reviews", "ratings");
      assertThat(envoy.clusters().path("cluster_statuses").findValuesAsText("name")).contains("reviews", "ratings");
      assertThat(envoy.configDump("").path("configs").findValues("node").getFirst().path("id").asText())
          .isEqualTo(NODE.id());
    }
  }

  @Test
  void tcpListenerCarriesTrafficToTheEchoBackend() throws Exception {
    try (TcpEchoBackend mongo = TcpEchoBackend.start("mongodb-v1", "127.0.0.1", 0);
        EnvoyProcess envoy = EnvoyProcess.start(EnvoyBootstrap.forSidecar(NODE)
            .withStaticCluster(StaticConfig.staticCluster("mongodb", "127.0.0.1", mongo.port()))
            .withStaticListener(StaticConfig.tcpListener("127.0.0.1_tcp", "127.0.0.1", 0, "mongodb")))
            .awaitLive()) {
      int port = envoy.listenerPort("127.0.0.1_tcp");

      TcpEchoBackend.Reply reply = TcpEchoBackend.call(new InetSocketAddress("127.0.0.1", port), "ping", CALL_TIMEOUT);

      assertThat(reply.servedBy()).isEqualTo("mongodb-v1");
      assertThat(reply.echo()).isEqualTo("ping");
      assertThat(mongo.connectionCount()).isEqualTo(1);
    }
  }

  private static EnvoyBootstrap hostRouting(HttpBackend reviews, HttpBackend ratings) {
    Map<String, String> routes = new LinkedHashMap<>();
    routes.put("reviews.default.svc.cluster.local", "reviews");
    routes.put("ratings.default.svc.cluster.local:9080", "ratings");
    return EnvoyBootstrap.forSidecar(NODE)
        .withStaticCluster(StaticConfig.staticCluster("reviews", "127.0.0.1", reviews.port()))
        .withStaticCluster(StaticConfig.staticCluster("ratings", "127.0.0.1", ratings.port()))
        .withStaticListener(StaticConfig.httpListener("127.0.0.1_http", "127.0.0.1", 0, routes));
  }
}
