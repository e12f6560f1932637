package io.meshpilot.xds.route;

import static io.meshpilot.xds.cluster.MeshFixture.port;
import static io.meshpilot.xds.cluster.MeshFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.cluster.MeshFixture;
import io.meshpilot.xds.dump.ConfigDumpJson;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.traffic.TrafficRegistry;
import io.meshpilot.xds.traffic.TrafficYaml;
import io.meshpilot.xds.view.PushContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden route configurations: the VirtualServices in {@code golden/routes/<case>.yaml} over a fixed
 * mesh (reviews, ratings and details on 9080 in {@code default}), RDS {@code "9080"} for a sidecar
 * of {@code app=productpage} in {@code default}, as pretty protobuf JSON equal to
 * {@code golden/routes/<case>.json} byte for byte. Each expected file was checked field by field
 * against istiod 1.31's route.go and its config_dump shapes. Run with {@code -Dgolden.update=true}
 * to rewrite them after a deliberate change, then review the diff.
 */
class VirtualServiceRoutesGoldenTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden/routes");

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"weighted-split", "header-match", "retries-timeout-fault", "rewrite-redirect-mirror",
      "delegate", "cors-headers-direct"})
  void routeConfigurationMatchesGolden(String name) throws IOException {
    MeshFixture mesh = new MeshFixture().with(
        service("default", "reviews", "10.96.0.12", port("http", 9080)),
        service("default", "ratings", "10.96.0.13", port("http", 9080)),
        service("default", "details", "10.96.0.14", port("http", 9080)));
    TrafficRegistry registry = new TrafficRegistry(mesh.registry())
        .set(TrafficYaml.virtualServices(Files.readString(GOLDEN.resolve(name + ".yaml"))));
    PushContext push = PushContext.create(registry, MeshSettings.defaults(), "v1");
    Proxy proxy = MeshFixture.sidecar("default", "10.244.0.9", Map.of("app", "productpage"), InterceptionMode.REDIRECT);

    String actual = ConfigDumpJson.write(RouteGenerator.generate("9080", proxy, push), true) + "\n";

    Path expectedFile = GOLDEN.resolve(name + ".json");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
    }
    assertThat(actual).isEqualTo(Files.readString(expectedFile, StandardCharsets.UTF_8));
  }
}
