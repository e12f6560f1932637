package io.meshpilot.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.loadtest.measure.LoadTestReport;
import io.meshpilot.loadtest.measure.PhaseResult;
import io.meshpilot.loadtest.mesh.MeshSpec;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.file.FileSource;
import io.meshpilot.xds.MeshDiscovery;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.push.PushSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole load test, small: 5 sidecars × 5 services against meshpilot's discovery server started
 * in-process on the file registry the load test writes to. Checks that every phase completes for
 * every proxy; the timings it prints are not asserted.
 */
@Timeout(60)
class LoadTestSmokeTest {
  private static final int PROXIES = 5;

  @TempDir
  Path meshDir;

  @ParameterizedTest(name = "delta={0}")
  @ValueSource(booleans = {false, true})
  void everyProxySyncsAndReceivesTheNewEndpointAndTheNewService(boolean delta) throws Exception {
    MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
    try (FileSource files = new FileSource(meshDir, registry);
        MeshDiscovery discovery = MeshDiscovery.start(registry, MeshSettings.defaults(), PushSettings.defaults(),
            new InetSocketAddress("127.0.0.1", 0))) {
      files.start();
      LoadTestOptions options = new LoadTestOptions(new MeshSpec(5, 2, 2), PROXIES, 50, delta, Optional.empty(),
          Optional.of(new LoadTestOptions.HostPort("127.0.0.1", discovery.port())), OptionalLong.empty(),
          Optional.of(meshDir), Path.of("unused.jar"), List.of(), Duration.ofSeconds(5), Duration.ofSeconds(20),
          Duration.ofSeconds(10), 5);

      LoadTestReport report = new LoadTestRun(options).run();

      System.out.print(report.table());
      assertThat(report.phases()).extracting(PhaseResult::name)
          .containsExactly("all connected and synced", "one endpoint added", "another endpoint added",
              "one Service added");
      assertThat(report.phases()).allSatisfy(p -> assertThat(p.reached()).isEqualTo(PROXIES));
      assertThat(report.failedForGood()).isZero();
      assertThat(report.neverSynced()).isZero();
      assertThat(report.nacks()).isZero();
      assertThat(report.jsonLine()).startsWith("loadtest-json: {\"setup\":{\"proxies\":5");
    }
  }
}
