package io.meshpilot.debughttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.xds.MeshDiscovery;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.push.PushSettings;
import io.meshpilot.xds.server.SyncStatus;
import io.meshpilot.xds.server.XdsType;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The metrics and {@code /debug/push_status} follow real pushes: a registry, the discovery side
 * reporting into {@link MeshMetrics}, an ADS client in Envoy's manner, and the HTTP server.
 */
class DiscoveryMetricsTest {
  private static final String CDS = XdsType.CLUSTER.typeUrl();
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final HttpClient http = HttpClient.newHttpClient();
  private MeshRegistry registry;
  private MeshMetrics metrics;
  private MeshDiscovery discovery;
  private DebugHttpServer server;

  @BeforeEach
  void start() throws Exception {
    registry = new MeshRegistry(RegistryConfig.defaults());
    metrics = new MeshMetrics(registry);
    discovery = MeshDiscovery.start(registry, MeshSettings.defaults(),
        new PushSettings(Duration.ofMillis(10), Duration.ofSeconds(1), true, 10),
        new InetSocketAddress("127.0.0.1", 0), metrics);
    server = DebugHttpServer.start(new DebugHttpOptions("127.0.0.1", 0, "test"),
        new DebugSources(registry, Optional.of(discovery), metrics));
  }

  @AfterEach
  void stop() {
    server.close();
    discovery.close();
    metrics.close();
  }

  @Test
  void countersAndHistogramsMoveAsPushesHappen() throws Exception {
    try (AdsTestStream proxy = new AdsTestStream(discovery.port())) {
      proxy.request(CDS, "", "");
      DiscoveryResponse first = proxy.response(CDS, 1);
      proxy.ack(first);
      awaitSeries("pilot_xds{version=\"1.24.0\"}", 1);
      awaitSeries("pilot_xds_pushes{type=\"cds\"}", 1);
      awaitSeries("pilot_push_triggers{type=\"proxyrequest\"}", 1);
      awaitClustersAcked();

      registry.upsert("test", service("reviews", "10.96.0.10"));
      DiscoveryResponse pushed = proxy.response(CDS, 2);

      awaitSeries("pilot_push_triggers{type=\"service\"}", 1);
      awaitSeries("pilot_xds_pushes{type=\"cds\"}", 2);
      awaitSeries("pilot_xds_push_time_count{type=\"cds\"}", 2);
      awaitSeries("pilot_xds_config_size_bytes_count{type=\"" + CDS + "\"}", 2);
      awaitSeries("pilot_proxy_queue_time_count", 1);
      awaitSeries("pilot_proxy_convergence_time_count", 1);
      awaitSeries("pilot_debounce_time_count", 1);
      awaitSeries("pilot_services", 1);
      assertThat(series(scrape(), "pilot_pushcontext_init_seconds_count")).hasValue(2); // startup + push
      assertThat(series(scrape(), "pilot_xds_config_size_bytes_sum{type=\"" + CDS + "\"}"))
          .hasValue(first.getResourcesList().stream().mapToLong(any -> any.getValue().size()).sum()
              + pushed.getResourcesList().stream().mapToLong(any -> any.getValue().size()).sum());

      proxy.nack(pushed, first.getVersionInfo());
      awaitSeries("pilot_total_xds_rejects{type=\"cds\"}", 1);
      proxy.request(CDS, first.getVersionInfo(), first.getNonce());
      awaitSeries("pilot_xds_expired_nonce{type=\"cds\"}", 1);
    }
    awaitSeries("pilot_xds{version=\"1.24.0\"}", 0);
  }

  @Test
  void metricsParseAsPrometheusTextWithIstiodsTypes() throws Exception {
    try (AdsTestStream proxy = new AdsTestStream(discovery.port())) {
      proxy.request(CDS, "", "");
      proxy.ack(proxy.response(CDS, 1));
      awaitClustersAcked();
      registry.upsert("test", service("reviews", "10.96.0.10"));
      proxy.nack(proxy.response(CDS, 2), proxy.response(CDS, 1).getVersionInfo());
      awaitSeries("pilot_total_xds_rejects{type=\"cds\"}", 1);
      awaitSeries("pilot_proxy_convergence_time_count", 1);
      proxy.request(CDS, "", proxy.response(CDS, 1).getNonce());
      awaitSeries("pilot_xds_expired_nonce{type=\"cds\"}", 1);

      Map<String, PrometheusTextParser.Family> families = PrometheusTextParser.parse(scrape());

      assertThat(families).hasEntrySatisfying("pilot_xds", f -> assertThat(f.type()).isEqualTo("gauge"));
      assertThat(families).hasEntrySatisfying("pilot_services", f -> assertThat(f.type()).isEqualTo("gauge"));
      for (String counter : new String[] {"pilot_xds_pushes", "pilot_push_triggers",
          "pilot_total_xds_rejects", "pilot_xds_expired_nonce"}) {
        assertThat(families).hasEntrySatisfying(counter, f -> assertThat(f.type()).isEqualTo("counter"));
      }
      for (String histogram : new String[] {"pilot_xds_push_time", "pilot_xds_config_size_bytes",
          "pilot_proxy_convergence_time", "pilot_proxy_queue_time", "pilot_debounce_time",
          "pilot_pushcontext_init_seconds"}) {
        assertThat(families).hasEntrySatisfying(histogram, f -> assertThat(f.type()).isEqualTo("histogram"));
      }
      assertThat(families).hasEntrySatisfying("jvm_memory_used_bytes",
          f -> assertThat(f.type()).isEqualTo("gauge"));
      // Every sample belonged to the family its TYPE line announced.
      assertThat(families.values()).noneMatch(f -> f.type().equals("unknown"));
      assertThat(families.get("pilot_xds_pushes").samples()).contains(
          new PrometheusTextParser.Sample("pilot_xds_pushes_total", "type=cds", 2));
      assertThat(families.get("pilot_xds").samples()).contains(
          new PrometheusTextParser.Sample("pilot_xds", "version=1.24.0", 1));
    }
  }

  @Test
  void pushStatusIsEmptyBeforeTheFirstPushThenDescribesTheLastPush() throws Exception {
    HttpResponse<String> before = get("/debug/push_status");
    assertThat(before.statusCode()).isEqualTo(200);
    assertThat(before.body()).isEmpty();

    try (AdsTestStream proxy = new AdsTestStream(discovery.port())) {
      proxy.request(CDS, "", "");
      proxy.ack(proxy.response(CDS, 1));
      awaitClustersAcked();
      registry.upsert("test", service("reviews", "10.96.0.10"));
      proxy.response(CDS, 2);
      awaitSeries("pilot_proxy_convergence_time_count", 1);

      HttpResponse<String> after = get("/debug/push_status");

      assertThat(after.headers().firstValue("content-type")).hasValueSatisfying(
          type -> assertThat(type).startsWith("application/json"));
      // Times, sizes and the push version vary from run to run; everything else is fixed.
      String body = after.body()
          .replaceAll("\"version\": \"[^\"]+/\\d+\"", "\"version\": \"V\"")
          .replaceAll("\"start\": \"[^\"]+Z\"", "\"start\": \"T\"")
          .replaceAll("\"duration\": \"[0-9.]+(ns|µs|ms|s)\"", "\"duration\": \"D\"")
          .replaceAll("\"bytes\": [1-9][0-9]*", "\"bytes\": B");
      assertThat(body).isEqualTo("""
          {
              "meshpilot": {
                  "version": "V",
                  "reasons": {
                      "service": 1
                  },
                  "full": true,
                  "start": "T",
                  "duration": "D",
                  "proxies": 1,
                  "proxiesPushed": 1,
                  "types": {
                      "cds": {
                          "pushes": 1,
                          "bytes": B
                      }
                  }
              }
          }""");
    }
  }

  private void awaitClustersAcked() {
    await().atMost(WAIT).until(() -> discovery.syncStatus().proxies().stream()
        .anyMatch(p -> p.type(XdsType.CLUSTER).status() == SyncStatus.SYNCED));
  }

  private void awaitSeries(String series, double value) {
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(series(scrape(), series)).as(series).hasValue(value));
  }

  private String scrape() throws Exception {
    HttpResponse<String> response = get("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  /** The value of one series (name and labels exactly as written) in the exposition. */
  private static OptionalDouble series(String text, String series) {
    return text.lines()
        .filter(line -> line.startsWith(series + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1)))
        .findFirst();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Service service(String name, String clusterIp) {
    return new ServiceBuilder().withNewMetadata().withName(name).withNamespace("default")
        .withCreationTimestamp("2024-01-01T00:00:00Z").withResourceVersion("1").endMetadata()
        .withNewSpec().withClusterIP(clusterIp).withClusterIPs(clusterIp)
        .addNewPort().withName("http").withPort(9080).endPort().endSpec().build();
  }
}
