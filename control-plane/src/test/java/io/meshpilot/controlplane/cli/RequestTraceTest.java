package io.meshpilot.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RequestTraceTest {
  private static ConfigDump recorded;

  @BeforeAll
  static void load() throws Exception {
    recorded = ConfigDump.parse(ConfigDumpFixture.recorded());
  }

  private static String trace(ConfigDump dump, String url) {
    return RequestTrace.render(RequestTrace.trace(dump, TraceTarget.parse(url)));
  }

  @Test
  void requestToReviewsGoesThroughTheWildcardListenerPortRouteAndServiceCluster() {
    assertThat(trace(recorded, "http://reviews.default.svc.cluster.local:9080/reviews/1")).isEqualTo("""
        address     reviews.default.svc.cluster.local → 10.96.120.12 (the service's VIP in this config)
        listener    0.0.0.0_9080  (filter chain 0, http_connection_manager, route 9080)
        route       9080 → virtual host reviews.default.svc.cluster.local:9080 (domain "reviews.default.svc.cluster.local")
        match       #1 "default": prefix /
        retries     2 retries on connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes (another host each time)
        cluster     outbound|9080||reviews.default.svc.cluster.local  (EDS)
        endpoints   10.244.1.12:9080 HEALTHY us-east1/us-east1-b, 10.244.2.12:9080 HEALTHY us-east1/us-east1-c, 10.244.2.13:9080 HEALTHY us-east1/us-east1-c
        """);
  }

  @Test
  void requestToReviewsWorksOnTheConfigTheGeneratorsProduceNow() throws Exception {
    ConfigDump live = ConfigDump.parse(ConfigDumpFixture.generate(Path.of("../examples")));

    String text = trace(live, "http://reviews:9080/");

    assertThat(text).contains("listener    0.0.0.0_9080", "route 9080)", "route       9080 → virtual host",
        "match       #1 \"default\": prefix /",
        "cluster     outbound|9080||reviews.default.svc.cluster.local", "endpoints   10.244.1.12:9080 HEALTHY");
  }

  @Test
  void unknownHostOnAMeshPortFallsToTheCatchAllVirtualHost() {
    String text = trace(recorded, "http://unknown.example.com:9080/");

    assertThat(text).contains(
        "route       9080 → virtual host allow_any (domain \"*\")\nmatch       #1 \"allow_any\": prefix /",
        "note        no service matches Host \"unknown.example.com:9080\": allow_any passes it on unchanged",
        "cluster     PassthroughCluster  (ORIGINAL_DST)");
  }

  @Test
  void portWithoutListenerIsTakenByVirtualOutbound() {
    String text = trace(recorded, "http://10.1.2.3:9999/");

    assertThat(text).startsWith("listener    virtualOutbound  (filter chain 1 \"virtualOutbound-catchall-tcp\", tcp_proxy → PassthroughCluster)")
        .contains("endpoints   the original destination 10.1.2.3:9999");
  }

  @Test
  void trafficToTheCapturePortItselfIsBlackHoled() {
    String text = trace(recorded, "tcp://10.96.120.12:15001");

    assertThat(text).contains("cluster     BlackHoleCluster  (STATIC)", "dropped     BlackHoleCluster has no endpoints");
  }

  @Test
  void tlsToAnExternalServiceIsMatchedBySni() {
    assertThat(trace(recorded, "https://api.example.com/"))
        .contains("listener    0.0.0.0_443  (filter chain 1, tcp_proxy → outbound|443||api.example.com)",
            "cluster     outbound|443||api.example.com  (STRICT_DNS)");
  }
}
