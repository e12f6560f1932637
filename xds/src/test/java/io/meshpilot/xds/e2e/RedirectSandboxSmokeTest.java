package io.meshpilot.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.xds.e2e.SidecarNode.InterceptionMode;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The REDIRECT sandbox against real Envoy with a static config: a client in the namespace calls a
 * workload address, iptables sends the connection to Envoy's 15001, and Envoy forwards it to the
 * original destination.
 */
@Timeout(90)
class RedirectSandboxSmokeTest {

  private static final String REVIEWS_IP = "127.20.0.1";
  private static final String RATINGS_IP = "127.20.0.2";
  private static final SidecarNode NODE = SidecarNode.of("productpage-v1-7d9f8", "default", "127.20.0.10")
      .withLabels(Map.of("app", "productpage"))
      .withInterceptionMode(InterceptionMode.REDIRECT);

  private NetnsSandbox sandbox;

  @BeforeEach
  void createSandbox() {
    sandbox = NetnsSandbox.create();
    sandbox.addLoopbackAddress(REVIEWS_IP).addLoopbackAddress(RATINGS_IP).addLoopbackAddress(NODE.ip())
        .interceptOutbound();
    sandbox.startHttpBackend("reviews-v1", REVIEWS_IP, 9080);
    sandbox.startHttpBackend("ratings-v1", RATINGS_IP, 9080);
  }

  @AfterEach
  void deleteSandbox() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  @Test
  void capturedHttpCallReachesTheOriginalDestinationThroughEnvoy() {
    try (EnvoyProcess envoy = EnvoyProcess.startIn(sandbox, passthroughSidecar()).awaitLive()) {
      NetnsSandbox.CallResult toReviews = sandbox.httpGet(REVIEWS_IP, 9080, "reviews", "/");
      NetnsSandbox.CallResult toRatings = sandbox.httpGet(RATINGS_IP, 9080, "ratings", "/");

      assertThat(toReviews.error()).as(() -> sandbox.natRules() + envoy.diagnostics()).isNull();
      assertThat(toReviews.body()).isEqualTo("reviews-v1");
      assertThat(toRatings.body()).isEqualTo("ratings-v1");
      assertThat(envoy.stat("cluster.PassthroughCluster.upstream_cx_total")).isEqualTo(2);
      assertThat(envoy.stat("listener.0.0.0.0_15001.downstream_cx_total")).isEqualTo(2);
      assertThat(sandbox.requestCount("reviews-v1")).isEqualTo(1);
    }
  }

  @Test
  void capturedTcpCallReachesTheOriginalDestinationThroughEnvoy() {
    sandbox.startTcpBackend("mongodb-v1", REVIEWS_IP, 27017);
    try (EnvoyProcess envoy = EnvoyProcess.startIn(sandbox, passthroughSidecar()).awaitLive()) {
      NetnsSandbox.CallResult call = sandbox.tcpCall(REVIEWS_IP, 27017, "ping");

      assertThat(call.error()).as(envoy::diagnostics).isNull();
      assertThat(call.body()).isEqualTo("mongodb-v1");
      assertThat(envoy.stat("cluster.PassthroughCluster.upstream_cx_total")).isEqualTo(1);
    }
  }

  @Test
  void withoutASidecarOnTheCapturePortCapturedCallsAreRefused() {
    NetnsSandbox.CallResult call = sandbox.httpGet(REVIEWS_IP, 9080, "reviews", "/");

    assertThat(call.failed()).as(sandbox::natRules).isTrue();
    assertThat(sandbox.requestCount("reviews-v1")).isZero();
  }

  @Test
  void envoyInsideTheNamespaceReachesAHostServerThroughTheBridge() {
    try (HttpBackend onHost = HttpBackend.start("host-server", "127.0.0.1", 0)) {
      var bridge = sandbox.bridgeToHost(new InetSocketAddress("127.0.0.1", onHost.port()));
      EnvoyBootstrap bootstrap = EnvoyBootstrap.forSidecar(NODE)
          .withStaticCluster(StaticConfig.pipeCluster("host", bridge))
          .withStaticListener(StaticConfig.httpListener("127.0.0.1_15080", "127.0.0.1", 15080, Map.of("*", "host")));
      try (EnvoyProcess envoy = EnvoyProcess.startIn(sandbox, bootstrap).awaitLive()) {
        // 127.0.0.1 is not intercepted, so this reaches the listener directly
        NetnsSandbox.CallResult call = sandbox.httpGet("127.0.0.1", 15080, "anything", "/");

        assertThat(call.error()).as(envoy::diagnostics).isNull();
        assertThat(call.body()).isEqualTo("host-server");
        assertThat(onHost.requestCount()).isEqualTo(1);
      }
    }
  }

  private static EnvoyBootstrap passthroughSidecar() {
    return EnvoyBootstrap.forSidecar(NODE)
        .withStaticCluster(StaticConfig.originalDstCluster("PassthroughCluster"))
        .withStaticListener(StaticConfig.virtualOutbound("PassthroughCluster"));
  }
}
