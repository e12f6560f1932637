package io.meshpilot.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshpilot.debughttp.DebugHttpOptions;
import io.meshpilot.debughttp.DebugHttpServer;
import io.meshpilot.debughttp.DebugSources;
import io.meshpilot.debughttp.MeshMetrics;
import io.meshpilot.xds.e2e.EnvoyBootstrap.AdsMode;
import io.meshpilot.xds.e2e.EnvoyMesh;
import io.meshpilot.xds.e2e.EnvoyProcess;
import io.meshpilot.xds.e2e.HttpBackend;
import io.meshpilot.xds.e2e.RawHttp;
import io.meshpilot.xds.e2e.ReviewsByUser;
import io.meshpilot.xds.e2e.SidecarNode;
import io.meshpilot.xds.traffic.TrafficYaml;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code proxy-config trace} against what real Envoy does with the request-routing rules
 * ({@link ReviewsByUser}: {@code end-user: jason} to reviews' v2 subset, others to v1), SotW and
 * Delta: Envoy routes a jason request to the v2 backend, and the trace of the same request, from
 * meshpilot ({@code --pilot}) and from Envoy's own {@code /config_dump?include_eds} ({@code --file}),
 * names the VirtualService route, the v2 subset cluster and that backend's address.
 */
@Timeout(240)
class TraceE2ETest {
  private static final String PROXY = "productpage-v1-7d9f8.default";
  private static final String URL = "http://" + ReviewsByUser.HOST + ":9080/reviews/1";
  private static final Duration AT_MOST = Duration.ofSeconds(20);

  private final EnvoyMesh mesh = new EnvoyMesh();

  @TempDir
  Path dir;

  @AfterEach
  void closeAll() throws Exception {
    mesh.close();
  }

  @ParameterizedTest
  @EnumSource(AdsMode.class)
  void traceNamesTheSubsetEnvoyRoutesTheHeaderTo(AdsMode mode) throws Exception {
    List<HttpBackend> backends = ReviewsByUser.workload(mesh);
    int port = backends.get(0).port();
    mesh.traffic(TrafficYaml.configs(ReviewsByUser.yaml()));
    EnvoyProcess envoy = mesh.sidecar(SidecarNode.of("productpage-v1-7d9f8", EnvoyMesh.NS, "127.0.0.1")
        .withLabels(Map.of("app", "productpage")), mode);
    DebugHttpServer debug = mesh.track(DebugHttpServer.start(new DebugHttpOptions("127.0.0.1", 0, "test"),
        new DebugSources(mesh.registry(), Optional.of(mesh.discovery()), mesh.track(new MeshMetrics(mesh.registry())))));
    String pilot = "http://127.0.0.1:" + debug.port();

    // Envoy itself: jason's request is answered by the v2 backend.
    await().atMost(AT_MOST).ignoreExceptions().until(() -> "reviews-v2".equals(RawHttp.get(
        new InetSocketAddress("127.0.0.1", 9080), ReviewsByUser.HOST, "/reviews/1", Map.of("end-user", "jason"),
        Duration.ofSeconds(10)).headers().get(HttpBackend.SERVED_BY_HEADER)));

    List<String> jasonTrace = List.of("proxy-config", "trace", PROXY, URL, "-H", "end-user: jason");
    String v2 = "cluster     outbound|9080|v2|" + ReviewsByUser.HOST + "  (EDS, subset v2, DestinationRule reviews.default)";
    assertThat(cli(jasonTrace, "--pilot", pilot)).contains(
        "match       #1 \"jason\" (VirtualService reviews.default): prefix /, header end-user exact \"jason\"",
        v2, "endpoints   " + ReviewsByUser.V2_IP + ":" + port + " HEALTHY");

    Path envoyDump = dir.resolve("envoy-config_dump.json");
    Files.writeString(envoyDump, envoy.configDump("include_eds").toString());
    assertThat(cli(jasonTrace, "--file", envoyDump.toString())).contains(
        "match       #1 \"jason\" (VirtualService reviews.default)", v2,
        "endpoints   " + ReviewsByUser.V2_IP + ":" + port + " HEALTHY");
    assertThat(cli(List.of("proxy-config", "trace", PROXY, URL), "--file", envoyDump.toString())).contains(
        "no match    #1 \"jason\" (VirtualService reviews.default): header end-user exact \"jason\" does not match (no end-user header)",
        "match       #2 \"everyone-else\" (VirtualService reviews.default): prefix /",
        "cluster     outbound|9080|v1|" + ReviewsByUser.HOST,
        "endpoints   " + ReviewsByUser.V1_IP + ":" + port + " HEALTHY");
  }

  private static String cli(List<String> args, String... more) {
    String[] all = new String[args.size() + more.length];
    args.toArray(all);
    System.arraycopy(more, 0, all, args.size(), more.length);
    return CliRun.output(all);
  }
}
