package io.meshpilot.debughttp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.networking.ConfigMeta;
import io.meshpilot.registry.networking.IstioConfig;
import io.meshpilot.registry.networking.Sidecar;
import io.meshpilot.registry.networking.TrafficConfigs;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.view.PushContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Golden tests of {@code /debug/sidecarz}: the resolved scope of a proxy in istiod's SidecarScope
 * JSON (pretty). Run with {@code -Dgolden.update=true} to rewrite the files after a deliberate
 * change, then review the diff.
 */
class SidecarzJsonTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden/sidecarz");
  private static final Instant CREATED = Instant.parse("2024-05-01T10:20:30Z");

  private final FakeServiceRegistry registry = new FakeServiceRegistry();

  SidecarzJsonTest() {
    registry.setServices(List.of(
        TestServices.k8s("reviews", "shop", CREATED, 9080, 9090),
        TestServices.k8s("ratings", "shop", CREATED, 9080),
        TestServices.k8s("billing", "pay", CREATED, 8080)));
  }

  @Test
  void theDefaultScopeListsEverythingVisible() throws IOException {
    assertGolden("default", PushContext.create(registry, MeshSettings.defaults(), "2024-05-01T10:20:30Z/7"));
  }

  @Test
  void aSelectingSidecarWithAPortSpecificListener() throws IOException {
    registry.setTrafficConfigs(new TrafficConfigs(List.of(), List.of(), List.of(sidecar("shop", "web", """
        workloadSelector:
          labels: {app: web}
        egress:
        - port: {number: 9080, protocol: HTTP, name: http}
          hosts: ["./*"]
        - hosts: ["pay/billing.pay.svc.cluster.local"]
        outboundTrafficPolicy: {mode: REGISTRY_ONLY}
        """))));
    assertGolden("port-specific", PushContext.create(registry, MeshSettings.defaults(), "2024-05-01T10:20:30Z/7"));
  }

  @Test
  void anEgressProxyIsPartOfTheScopesPolicy() throws IOException {
    registry.setTrafficConfigs(new TrafficConfigs(List.of(), List.of(), List.of(sidecar("shop", "default", """
        egress:
        - hosts: ["./*", "pay/*"]
        outboundTrafficPolicy:
          mode: ALLOW_ANY
          egressProxy: {host: billing.pay.svc.cluster.local, subset: v1, port: {number: 8080}}
        """))));
    assertGolden("egress-proxy", PushContext.create(registry, MeshSettings.defaults(), "2024-05-01T10:20:30Z/7"));
  }

  private void assertGolden(String name, PushContext push) throws IOException {
    Proxy proxy = new Proxy("sidecar", "10.1.0.5", "web-1.shop", "shop.svc.cluster.local", "shop",
        Map.of("app", "web"), List.of("10.1.0.5"), "Kubernetes", "1.31.0", InterceptionMode.REDIRECT, "",
        "sidecar~10.1.0.5~web-1.shop~shop.svc.cluster.local");
    String actual = SidecarzJson.write(push.sidecarScope(proxy), true);
    Path expected = GOLDEN.resolve(name + ".json");
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(expected, actual, StandardCharsets.UTF_8);
    }
    assertThat(actual).isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));
  }

  private static IstioConfig<Sidecar> sidecar(String namespace, String name, String yaml) throws IOException {
    Sidecar spec = new ObjectMapper(new YAMLFactory()).configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
        .readValue(yaml, Sidecar.class);
    return new IstioConfig<>(new ConfigMeta(new ObjectKey("Sidecar", namespace, name), "networking.istio.io/v1", "1",
        CREATED, Map.of(), Map.of(), 1, "test"), spec);
  }
}
