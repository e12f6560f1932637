package io.meshpilot.xds.listener;

import static io.meshpilot.xds.cluster.MeshFixture.pod;
import static io.meshpilot.xds.cluster.MeshFixture.port;
import static io.meshpilot.xds.cluster.MeshFixture.service;
import static io.meshpilot.xds.cluster.MeshFixture.serviceEntry;
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
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The outbound listeners of a dual-stack sidecar with canonical labels and a mesh id, in istiod 1.31's
 * JSON shapes (as the conformance run compares them): connection managers with gRPC stats, UUID
 * request ids and provider-less tracing tagged with the proxy; {@code ::} beside {@code 0.0.0.0};
 * a wildcard TLS ServiceEntry matched by SNI on {@code 0.0.0.0_443}; a headless Mongo port with a
 * listener per endpoint, the not-ready one too, each with mongo_proxy before tcp_proxy.
 */
class OutboundListenersGoldenTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden/listeners");

  private final MeshFixture mesh = new MeshFixture()
      .with(service("shop", "reviews", "10.96.0.12", port("http", 9080)))
      .with(service("shop", "mongo", "None", port("mongo", 27017)))
      .with(pod("shop", "mongo-0", "10.1.0.40", "mongo"), pod("shop", "mongo-1", "10.1.0.41", "mongo"))
      .with(slice("shop", "mongo", "mongo", 27017, Map.of("10.1.0.40", "mongo-0"), true))
      .with(slice("shop", "mongo", "mongo", 27017, Map.of("10.1.0.41", "mongo-1"), false))
      .with(serviceEntry("shop", "wildcard-tls", Map.of("hosts", List.of("*.example"), "resolution", "NONE",
          "location", "MESH_EXTERNAL", "ports", List.of(Map.of("number", 443, "name", "tls", "protocol", "TLS")))));

  private final Proxy dualStack = new Proxy("sidecar", "10.1.1.10", "web-1.shop", "shop.svc.cluster.local", "shop",
      Map.of("app", "web", "service.istio.io/canonical-name", "web", "service.istio.io/canonical-revision", "v2"),
      List.of("10.1.1.10", "fd00:10:1::10"), "Kubernetes", "1.31.0", InterceptionMode.REDIRECT, "",
      "sidecar~10.1.1.10~web-1.shop~shop.svc.cluster.local", false, "", "mesh1");

  @Test
  void dualStackProxyListenersHaveIstiodsShapes() throws IOException {
    List<Listener> listeners = ListenerGenerator.outbound(dualStack, mesh.push()).stream()
        .filter(l -> !l.getName().equals("virtualOutbound"))
        .toList();

    assertThat(listeners).extracting(Listener::getName)
        .containsExactly("0.0.0.0_443", "0.0.0.0_9080", "10.1.0.40_27017", "10.1.0.41_27017");
    assertGolden("outbound-dual-stack.json", listeners);
  }

  @Test
  void aProxysTracingTagsNameIt() {
    assertThat(TracingTags.of(dualStack)).isEqualTo(new TracingTags("web", "v2", "mesh1", "shop", "Kubernetes"));
    Proxy bare = MeshFixture.sidecar("shop", "10.1.0.9");
    assertThat(TracingTags.of(bare)).isEqualTo(new TracingTags("unknown", "latest", "unknown", "shop", "Kubernetes"));
  }

  private static void assertGolden(String file, List<Listener> listeners) throws IOException {
    String json = listeners.stream().map(l -> ConfigDumpJson.write(l, true))
        .collect(Collectors.joining(",\n", "[\n", "\n]\n"));
    Path golden = GOLDEN.resolve(file);
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(golden, json, StandardCharsets.UTF_8);
    }
    assertThat(golden).as("golden file (write it with -Dgolden.update=true)").exists();
    assertThat(json).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
  }
}
