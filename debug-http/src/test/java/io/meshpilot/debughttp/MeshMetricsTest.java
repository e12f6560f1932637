package io.meshpilot.debughttp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The exposition carries istiod's metric names, types, labels and buckets (istio-xds.md §9). */
class MeshMetricsTest {
  private static final String CDS_URL = "type.googleapis.com/envoy.config.cluster.v3.Cluster";

  private final FakeServiceRegistry registry = new FakeServiceRegistry();
  private final MeshMetrics metrics = new MeshMetrics(registry);

  @AfterEach
  void close() {
    metrics.close();
  }

  @Test
  void istiodCountersAreCountersWithoutTheTotalSuffix() {
    metrics.pushed("cds", CDS_URL, Duration.ofMillis(20), 5000);
    metrics.pushed("cds", CDS_URL, Duration.ofMillis(20), 5000);
    metrics.sendError("lds");
    metrics.rejected("lds", "pod-a.default", "bad listener");
    metrics.expiredNonce("eds");
    metrics.pushTrigger("endpoint");
    metrics.pushTrigger("endpoint");
    metrics.pushTrigger("proxyrequest");

    List<String> lines = metrics.scrape().lines().toList();

    assertThat(lines).containsSubsequence(
        "# TYPE pilot_xds_pushes counter",
        "pilot_xds_pushes{type=\"cds\"} 2.0",
        "pilot_xds_pushes{type=\"lds_senderr\"} 1.0");
    assertThat(lines).containsSubsequence(
        "# TYPE pilot_push_triggers counter",
        "pilot_push_triggers{type=\"endpoint\"} 2.0",
        "pilot_push_triggers{type=\"proxyrequest\"} 1.0");
    assertThat(lines).containsSubsequence(
        "# TYPE pilot_total_xds_rejects counter", "pilot_total_xds_rejects{type=\"lds\"} 1.0");
    assertThat(lines).containsSubsequence(
        "# TYPE pilot_xds_expired_nonce counter", "pilot_xds_expired_nonce{type=\"eds\"} 1.0");
    assertThat(lines).noneMatch(line -> line.matches("(# (HELP|TYPE) )?pilot_\\w*_total[{ ].*"));
  }

  @Test
  void meshpilotsOwnRejectionCounterKeepsItsTotalSuffix() {
    registry.setRejectionCounts(Map.of("ServiceEntry", 2L));

    assertThat(metrics.scrape().lines()).contains(
        "# TYPE meshpilot_rejected_objects_total counter",
        "meshpilot_rejected_objects_total{kind=\"ServiceEntry\"} 2.0");
  }

  @Test
  void pushTimeIsAHistogramInSecondsWithIstiodsBucketsAndNoUnitSuffix() {
    metrics.pushed("eds", "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment",
        Duration.ofMillis(20), 300);

    assertThat(metrics.scrape().lines()).containsSubsequence(
        "# TYPE pilot_xds_push_time histogram",
        "pilot_xds_push_time_bucket{type=\"eds\",le=\"0.01\"} 0",
        "pilot_xds_push_time_bucket{type=\"eds\",le=\"0.1\"} 1",
        "pilot_xds_push_time_bucket{type=\"eds\",le=\"0.5\"} 1",
        "pilot_xds_push_time_bucket{type=\"eds\",le=\"1.0\"} 1",
        "pilot_xds_push_time_bucket{type=\"eds\",le=\"3.0\"} 1",
        "pilot_xds_push_time_bucket{type=\"eds\",le=\"5.0\"} 1",
        "pilot_xds_push_time_bucket{type=\"eds\",le=\"10.0\"} 1",
        "pilot_xds_push_time_bucket{type=\"eds\",le=\"20.0\"} 1",
        "pilot_xds_push_time_bucket{type=\"eds\",le=\"30.0\"} 1",
        "pilot_xds_push_time_bucket{type=\"eds\",le=\"+Inf\"} 1",
        "pilot_xds_push_time_count{type=\"eds\"} 1",
        "pilot_xds_push_time_sum{type=\"eds\"} 0.02");
  }

  @Test
  void configSizeIsLabelledWithTheFullTypeUrl() {
    metrics.pushed("cds", CDS_URL, Duration.ofMillis(1), 20_000);

    String url = "type=\"" + CDS_URL + "\"";
    assertThat(metrics.scrape().lines()).containsSubsequence(
        "# TYPE pilot_xds_config_size_bytes histogram",
        "pilot_xds_config_size_bytes_bucket{" + url + ",le=\"1.0\"} 0",
        "pilot_xds_config_size_bytes_bucket{" + url + ",le=\"10000.0\"} 0",
        "pilot_xds_config_size_bytes_bucket{" + url + ",le=\"1000000.0\"} 1",
        "pilot_xds_config_size_bytes_bucket{" + url + ",le=\"4000000.0\"} 1",
        "pilot_xds_config_size_bytes_bucket{" + url + ",le=\"1.0E7\"} 1",
        "pilot_xds_config_size_bytes_bucket{" + url + ",le=\"4.0E7\"} 1",
        "pilot_xds_config_size_bytes_bucket{" + url + ",le=\"+Inf\"} 1",
        "pilot_xds_config_size_bytes_count{" + url + "} 1",
        "pilot_xds_config_size_bytes_sum{" + url + "} 20000.0");
  }

  @Test
  void proxyAndPushTimingsAreUnlabelledHistogramsWithIstiodsBuckets() {
    metrics.converged(Duration.ofMillis(700));
    metrics.queued(Duration.ofMillis(1));
    metrics.debounced(Duration.ofMillis(100), 3, false);
    metrics.pushContextBuilt(Duration.ofMillis(3), 4);

    List<String> lines = metrics.scrape().lines().toList();

    assertThat(lines).containsSubsequence("# TYPE pilot_proxy_convergence_time histogram",
        "pilot_proxy_convergence_time_bucket{le=\"0.1\"} 0",
        "pilot_proxy_convergence_time_bucket{le=\"0.5\"} 0",
        "pilot_proxy_convergence_time_bucket{le=\"1.0\"} 1",
        "pilot_proxy_convergence_time_bucket{le=\"30.0\"} 1",
        "pilot_proxy_convergence_time_bucket{le=\"+Inf\"} 1",
        "pilot_proxy_convergence_time_count 1",
        "pilot_proxy_convergence_time_sum 0.7");
    assertThat(lines).containsSubsequence("# TYPE pilot_proxy_queue_time histogram",
        "pilot_proxy_queue_time_bucket{le=\"0.1\"} 1",
        "pilot_proxy_queue_time_bucket{le=\"+Inf\"} 1",
        "pilot_proxy_queue_time_count 1");
    assertThat(lines).containsSubsequence("# TYPE pilot_debounce_time histogram",
        "pilot_debounce_time_bucket{le=\"0.01\"} 0",
        "pilot_debounce_time_bucket{le=\"0.1\"} 1",
        "pilot_debounce_time_bucket{le=\"+Inf\"} 1",
        "pilot_debounce_time_count 1",
        "pilot_debounce_time_sum 0.1");
    assertThat(lines).containsSubsequence("# TYPE pilot_pushcontext_init_seconds histogram",
        "pilot_pushcontext_init_seconds_bucket{le=\"0.01\"} 1",
        "pilot_pushcontext_init_seconds_bucket{le=\"5.0\"} 1",
        "pilot_pushcontext_init_seconds_bucket{le=\"+Inf\"} 1",
        "pilot_pushcontext_init_seconds_count 1");
    // istiod has no _max series and its bucket lists are exactly these.
    assertThat(lines).noneMatch(line -> line.startsWith("pilot_") && line.contains("_max"))
        .noneMatch(line -> line.startsWith("pilot_proxy_convergence_time_bucket{le=\"0.01\"}"))
        .noneMatch(line -> line.startsWith("pilot_pushcontext_init_seconds_bucket{le=\"10.0\"}"));
  }

  @Test
  void connectedProxiesAreAGaugeByIstioVersion() {
    metrics.proxyConnected("1.24.0");
    metrics.proxyConnected("1.24.0");
    metrics.proxyConnected("");
    metrics.proxyDisconnected("1.24.0");

    assertThat(metrics.scrape().lines()).containsSubsequence(
        "# TYPE pilot_xds gauge", "pilot_xds{version=\"\"} 1.0", "pilot_xds{version=\"1.24.0\"} 1.0");
  }

  @Test
  void servicesCountTheLastPushContextOnceOneWasBuilt() {
    registry.setServices(List.of(TestServices.reviews(), TestServices.externalApi()));
    assertThat(metrics.scrape().lines()).contains("# TYPE pilot_services gauge", "pilot_services 2.0");

    metrics.pushContextBuilt(Duration.ofMillis(1), 5);

    assertThat(metrics.scrape().lines()).contains("pilot_services 5.0");
  }
}
