package io.meshpilot.xds.listener;

import static io.meshpilot.xds.cluster.MeshFixture.pod;
import static io.meshpilot.xds.cluster.MeshFixture.port;
import static io.meshpilot.xds.cluster.MeshFixture.service;
import static io.meshpilot.xds.cluster.MeshFixture.sidecar;
import static io.meshpilot.xds.cluster.MeshFixture.slice;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.meshpilot.xds.cluster.MeshFixture;
import io.meshpilot.xds.dump.ConfigDumpJson;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Golden {@code virtualInbound}: a workload whose service has an HTTP port with a distinct target
 * port, a gRPC port, a TCP port and an unnamed (sniffed) port, as pretty protobuf JSON equal to
 * {@code golden/listeners/virtual-inbound-<mode>.json} byte for byte. The expected files were
 * checked against istiod 1.31's listener_inbound.go and filterchain_options.go (PERMISSIVE, without
 * the mTLS chains and {@code istio.*} filters) and its config_dump of the conformance fixtures. Run
 * with {@code -Dgolden.update=true} to rewrite them after a deliberate change, then review the diff.
 */
class VirtualInboundGoldenTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden/listeners");

  @ParameterizedTest
  @EnumSource(value = InterceptionMode.class, names = {"REDIRECT", "TPROXY"})
  void virtualInboundMatchesGolden(InterceptionMode mode) throws IOException {
    MeshFixture mesh = new MeshFixture().with(
        service("default", "reviews", "10.96.0.12", port("http", 9080, 9081), port("grpc", 7070),
            port("tcp", 9090), port("", 9100)),
        pod("default", "reviews-1", "10.244.0.5", "reviews"),
        slice("default", "reviews", "http", 9081, Map.of("10.244.0.5", "reviews-1")));
    Proxy proxy = sidecar("default", "10.244.0.5", Map.of("app", "reviews"), mode);

    Listener inbound = ListenerGenerator.inbound(proxy, mesh.push()).stream()
        .filter(l -> l.getName().equals(VirtualInboundListener.NAME)).findFirst().orElseThrow();
    String actual = ConfigDumpJson.write(inbound, true) + "\n";

    Path expectedFile = GOLDEN.resolve("virtual-inbound-" + mode.name().toLowerCase(Locale.ROOT) + ".json");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
    }
    assertThat(actual).isEqualTo(Files.readString(expectedFile, StandardCharsets.UTF_8));
  }
}
