package io.meshpilot.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.xds.MeshDiscovery;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.conflict.GenerationConflicts;
import io.meshpilot.xds.push.PushSettings;
import io.meshpilot.xds.server.SyncStatus;
import io.meshpilot.xds.server.TypeSyncState;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two ServiceEntries whose hosts differ only in case ({@code Api.example.com}, {@code api.example.com},
 * both port 80) used to put one domain twice into route {@code 80}: real Envoy refused the whole
 * route configuration, and every service on port 80 lost its routes. Now the first keeps the domain,
 * the second is listed as a conflict, and Envoy accepts everything.
 */
@Timeout(180)
class CaseVariantHostsE2ETest {
  private static final Duration AT_MOST = Duration.ofSeconds(15);
  private static final String DETAILS = "details.default.svc.cluster.local";

  private final MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
  private final Closer closer = new Closer();

  @BeforeEach
  void forgetConflicts() {
    GenerationConflicts.shared().clear(); // process-wide: other tests' conflicts must not leak in
  }

  @AfterEach
  void closeAll() throws Exception {
    closer.close();
    GenerationConflicts.shared().clear();
  }

  @Test
  void hostsDifferingOnlyInCaseDoNotCostThePortItsRoutes() throws Exception {
    int workloadPort = freePort();
    closer.track(HttpBackend.start("details-v1", "127.0.0.21", workloadPort));
    closer.track(HttpBackend.start("api-upper", "127.0.0.41", workloadPort));
    closer.track(HttpBackend.start("api-lower", "127.0.0.42", workloadPort));
    details(workloadPort);
    registry.upsert("test", serviceEntry("api-upper", "Api.example.com", "127.0.0.41", workloadPort));
    registry.upsert("test", serviceEntry("api-lower", "api.example.com", "127.0.0.42", workloadPort));

    MeshDiscovery discovery = closer.track(MeshDiscovery.start(registry, MeshSettings.defaults(),
        PushSettings.defaults(), new InetSocketAddress("127.0.0.1", 0)));
    SidecarNode node = SidecarNode.of("productpage-v1-7d9f8", "default", "127.0.0.1")
        .withLabels(Map.of("app", "productpage"))
        .withInterceptionMode(SidecarNode.InterceptionMode.NONE);
    EnvoyProcess envoy = closer.track(EnvoyProcess.start(EnvoyBootstrap.forSidecar(node)
        .withAds(EnvoyBootstrap.AdsMode.SOTW, new InetSocketAddress("127.0.0.1", discovery.port()))).awaitLive());

    await().atMost(AT_MOST).ignoreExceptions()
        .until(() -> get(envoy, DETAILS).contains("served-by: details-v1"));
    // Envoy matches hosts case-insensitively: every spelling reaches the entry that kept the domain.
    for (String host : List.of("api.example.com", "Api.example.com", "API.EXAMPLE.COM")) {
      assertThat(get(envoy, host)).as("Host: %s %s", host, envoy.diagnostics()).contains("served-by: api-upper");
    }

    assertThat(envoy.stats("update_rejected")).as(envoy::diagnostics)
        .allSatisfy((name, value) -> assertThat(value).isZero());
    assertThat(discovery.syncStatus().proxies().get(0).types().values()).extracting(TypeSyncState::status)
        .containsOnly(SyncStatus.SYNCED);
    assertThat(GenerationConflicts.shared().rejections()).anySatisfy(r -> {
      assertThat(r.object()).isEqualTo(new ObjectKey("ServiceEntry", "default", "api-lower"));
      assertThat(r.reason()).startsWith("route 80: domains api.example.com, api.example.com. already served by"
          + " ServiceEntry default/api-upper (Api.example.com)");
    });
  }

  private void details(int workloadPort) {
    registry.upsert("test", new ServiceBuilder().withNewMetadata().withName("details").withNamespace("default")
        .withCreationTimestamp("2026-11-01T09:00:00Z").endMetadata()
        .withNewSpec().withType("ClusterIP").withClusterIP("10.96.0.21").withClusterIPs("10.96.0.21")
        .withSelector(Map.of("app", "details")).addNewPort().withName("http").withPort(80).endPort().endSpec().build());
    registry.upsert("test", new PodBuilder().withNewMetadata().withName("details-v1").withNamespace("default")
        .withLabels(Map.of("app", "details")).endMetadata()
        .withNewSpec().withServiceAccountName("details").endSpec()
        .withNewStatus().withPodIP("127.0.0.21").addNewPodIP("127.0.0.21")
        .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build());
    registry.upsert("test", new EndpointSliceBuilder().withNewMetadata().withName("details-abc")
        .withNamespace("default").withLabels(Map.of("kubernetes.io/service-name", "details")).endMetadata()
        .withAddressType("IPv4").addNewPort().withName("http").withPort(workloadPort).endPort()
        .addToEndpoints(new EndpointBuilder().withAddresses("127.0.0.21").withNewConditions().withReady(true)
            .endConditions().build())
        .build());
  }

  private static GenericKubernetesResource serviceEntry(String name, String host, String endpoint, int workloadPort) {
    return new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1").withKind("ServiceEntry")
        .withNewMetadata().withName(name).withNamespace("default").withCreationTimestamp("2026-11-01T09:00:00Z")
        .endMetadata()
        .withAdditionalProperties(Map.of("spec", Map.of("hosts", List.of(host), "location", "MESH_EXTERNAL",
            "resolution", "STATIC", "ports", List.of(Map.of("number", 80, "name", "http", "protocol", "HTTP")),
            "endpoints", List.of(Map.of("address", endpoint, "ports", Map.of("http", workloadPort))))))
        .build();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.21"))) {
      return socket.getLocalPort();
    }
  }

  /** One HTTP/1.1 request through Envoy's outbound port-80 listener; the raw response, lower-cased. */
  private static String get(EnvoyProcess envoy, String host) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", envoy.listenerPort("127.0.0.1_80"))) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
    }
  }
}
