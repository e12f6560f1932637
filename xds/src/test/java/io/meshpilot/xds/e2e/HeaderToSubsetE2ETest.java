package io.meshpilot.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshpilot.xds.traffic.TrafficYaml;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A VirtualService and a DestinationRule together through real Envoy (SotW and Delta ADS, NONE
 * interception), as Istio's request-routing task ({@link ReviewsByUser}): requests with header
 * {@code end-user: jason} go to reviews' v2 subset and all others to v1; two backends labelled
 * {@code version: v1} and {@code v2} show which subset answered. The control-plane's trace tests
 * route the same rules through {@code proxy-config trace}.
 */
@Timeout(240)
class HeaderToSubsetE2ETest {
  private static final String REVIEWS = ReviewsByUser.HOST;
  private static final InetSocketAddress ENVOY_9080 = new InetSocketAddress("127.0.0.1", 9080);
  private static final Duration AT_MOST = Duration.ofSeconds(20);
  private static final int REQUESTS = 30;

  private final EnvoyMesh mesh = new EnvoyMesh();

  @AfterEach
  void closeAll() throws Exception {
    mesh.close();
  }

  @ParameterizedTest
  @EnumSource(EnvoyBootstrap.AdsMode.class)
  void jasonReachesTheV2SubsetAndEveryoneElseV1(EnvoyBootstrap.AdsMode mode) throws Exception {
    List<HttpBackend> backends = ReviewsByUser.workload(mesh);
    HttpBackend v1 = backends.get(0);
    HttpBackend v2 = backends.get(1);
    mesh.traffic(TrafficYaml.configs(ReviewsByUser.yaml()));

    EnvoyProcess envoy = mesh.sidecar(SidecarNode.of("productpage-v1-7d9f8", EnvoyMesh.NS, "127.0.0.1")
        .withLabels(Map.of("app", "productpage")), mode);
    await().atMost(AT_MOST).ignoreExceptions().until(() -> get(Map.of()).status() == 200);

    assertThat(servedBy(Map.of("end-user", "jason"))).as(envoy::diagnostics)
        .isEqualTo(Map.of("reviews-v2", REQUESTS));
    assertThat(servedBy(Map.of())).isEqualTo(Map.of("reviews-v1", REQUESTS));
    assertThat(servedBy(Map.of("end-user", "mike"))).isEqualTo(Map.of("reviews-v1", REQUESTS));
    assertThat(v2.requestCount()).isEqualTo(REQUESTS);
    assertThat(v1.requestCount()).isGreaterThanOrEqualTo(2 * REQUESTS);

    assertThat(envoy.configDump("resource=dynamic_active_clusters").toString())
        .contains("outbound|9080|v1|" + REVIEWS, "outbound|9080|v2|" + REVIEWS);
    assertThat(envoy.stats("update_rejected")).as(envoy::diagnostics)
        .allSatisfy((name, value) -> assertThat(value).isZero());
  }

  /** Which backend answered each of {@link #REQUESTS} requests with these headers ({@code HTTP <status>} for errors). */
  private static Map<String, Integer> servedBy(Map<String, String> headers) throws IOException {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < REQUESTS; i++) {
      RawHttp.Response response = get(headers);
      String by = response.status() == 200 ? response.headers().get(HttpBackend.SERVED_BY_HEADER)
          : "HTTP " + response.status();
      counts.merge(String.valueOf(by), 1, Integer::sum);
    }
    return counts;
  }

  private static RawHttp.Response get(Map<String, String> headers) throws IOException {
    return RawHttp.get(ENVOY_9080, REVIEWS, "/reviews/1", headers, Duration.ofSeconds(10));
  }
}
