package io.meshpilot.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.xds.MeshDiscovery;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.debug.ControlPlaneInstance;
import io.meshpilot.xds.debug.DebugAuthorization;
import io.meshpilot.xds.debug.DebugSettings;
import io.meshpilot.xds.dump.ConfigDumpBuilder;
import io.meshpilot.xds.dump.ConfigDumpJson;
import io.meshpilot.xds.push.PushSettings;
import io.meshpilot.xds.server.AdsSettings;
import io.meshpilot.xds.server.ProxySyncState;
import io.meshpilot.xds.server.SyncStatus;
import io.meshpilot.xds.server.TypeSyncState;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real istioctl (built from the same istio.io/istio module as the reference istiod) as a client of
 * meshpilot, with a real Envoy sidecar connected over ADS: {@code istioctl proxy-status
 * --xds-address --plaintext} lists the sidecar SYNCED for every type with meshpilot as its ISTIOD,
 * {@code istioctl proxy-status <pod>} finds Envoy's config equal to meshpilot's config_dump, and
 * {@code istioctl proxy-config clusters|listeners|routes|eds|all --file} reads the dump meshpilot's
 * {@code /debug/config_dump} serves.
 */
@Timeout(240)
class IstioctlE2ETest {
  private static final Duration ISTIOCTL = Duration.ofSeconds(60);
  private static final String POD = "productpage-v1-7d9f8";

  @TempDir
  Path dir;

  private final MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
  private final Closer closer = new Closer();
  private Path istioctl;
  private MeshDiscovery discovery;
  private EnvoyProcess envoy;

  @BeforeEach
  void start() throws Exception {
    istioctl = IstioctlPeer.binary();
    registry.upsert("test", new ServiceBuilder().withNewMetadata().withName("reviews").withNamespace("default")
        .endMetadata().withNewSpec().withType("ClusterIP").withClusterIP("10.96.0.12").withClusterIPs("10.96.0.12")
        .withSelector(Map.of("app", "reviews")).addNewPort().withName("http").withPort(9080).endPort().endSpec()
        .build());
    registry.upsert("test", new PodBuilder().withNewMetadata().withName("reviews-v1").withNamespace("default")
        .withLabels(Map.of("app", "reviews")).endMetadata().withNewStatus().withPodIP("127.0.0.11")
        .addNewPodIP("127.0.0.11").addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus()
        .build());
    registry.upsert("test", new EndpointSliceBuilder().withNewMetadata().withName("reviews-abc").withNamespace("default")
        .withLabels(Map.of("kubernetes.io/service-name", "reviews")).endMetadata().withAddressType("IPv4")
        .addNewPort().withName("http").withPort(9080).endPort()
        .addNewEndpoint().withAddresses("127.0.0.11").withNewConditions().withReady(true).endConditions().endEndpoint()
        .build());
    // Plaintext callers have no verified identity: as with istiod, debug types then need ENABLE_DEBUG_ENDPOINT_AUTH=false.
    DebugSettings debug = new DebugSettings(new DebugAuthorization(false, "istio-system", Set.of()),
        ControlPlaneInstance.of("meshpilot-e2e", "1.31.0-e2e"));
    discovery = closer.track(MeshDiscovery.start(registry, MeshSettings.defaults(), PushSettings.defaults(),
        new InetSocketAddress("127.0.0.1", 0), Optional.empty(), io.meshpilot.xds.XdsEvents.NONE,
        AdsSettings.defaults(), debug));
    SidecarNode node = SidecarNode.of(POD, "default", "127.0.0.1").withLabels(Map.of("app", "productpage"))
        .withInterceptionMode(SidecarNode.InterceptionMode.NONE);
    envoy = closer.track(EnvoyProcess.start(EnvoyBootstrap.forSidecar(node)
        .withAds(EnvoyBootstrap.AdsMode.DELTA, new InetSocketAddress("127.0.0.1", discovery.port()))).awaitLive());
    await().atMost(Duration.ofSeconds(20)).until(() -> discovery.syncStatus().proxies().stream()
        .anyMatch(p -> p.types().size() == 4
            && p.types().values().stream().map(TypeSyncState::status).allMatch(SyncStatus.SYNCED::equals)));
  }

  @AfterEach
  void stop() throws Exception {
    closer.close();
  }

  @Test
  void proxyStatusListsTheSidecarSyncedForEveryType() {
    String table = istioctl(withXds("proxy-status", "-v", "1"));

    List<String> header = columns(table.lines().findFirst().orElseThrow());
    // every type istioctl knows, by type URL: CDS, ECDS (not served: IGNORED), EDS, LDS, RDS
    assertThat(header).containsExactly("NAME", "CLUSTER", "CDS", "ECDS", "EDS", "LDS", "RDS", "ISTIOD", "VERSION");
    List<List<String>> rows = table.lines().skip(1).map(IstioctlE2ETest::columns).toList();
    assertThat(rows).as(table).singleElement().satisfies(row -> {
      assertThat(row).hasSize(header.size());
      assertThat(row.subList(0, 2)).containsExactly(POD + ".default", "Kubernetes");
      assertThat(row.get(3)).isEqualTo("IGNORED");
      for (int column : new int[] {2, 4, 5, 6}) {
        assertThat(row.get(column)).as(header.get(column)).startsWith("SYNCED (");
      }
      assertThat(row.subList(7, 9)).containsExactly("meshpilot-e2e", "1.30.0");
    });
    String summary = istioctl(withXds("proxy-status"));
    assertThat(summary).contains(POD + ".default", "meshpilot-e2e", "4 (CDS,LDS,EDS,RDS)");
  }

  @Test
  void proxyStatusOfThePodFindsEnvoysConfigEqualToMeshpilots() throws Exception {
    Path envoyDump = dir.resolve("envoy-config-dump.json");
    new ObjectMapper().writeValue(envoyDump.toFile(), envoy.configDump(""));

    String diff = istioctl(withXds("proxy-status", POD + ".default", "--file", envoyDump.toString()));

    assertThat(diff).contains("Clusters Match", "Listeners Match", "Routes Match");
  }

  @Test
  void proxyConfigReadsMeshpilotsConfigDump() throws Exception {
    // What /debug/config_dump?proxyID=<pod>.<ns>&include_eds answers on the HTTP port.
    ProxySyncState proxy = discovery.proxy(POD + ".default").orElseThrow();
    Path dump = dir.resolve("meshpilot-config-dump.json");
    Files.writeString(dump, ConfigDumpJson.write(new ConfigDumpBuilder(discovery::generate)
        .full(proxy.proxy(), discovery.currentContext().version(), true), true));

    assertThat(istioctl("proxy-config", "clusters", "--file", dump.toString()))
        .contains("reviews.default.svc.cluster.local", "9080", "outbound", "EDS");
    assertThat(istioctl("proxy-config", "listeners", "--file", dump.toString())).contains("9080");
    assertThat(istioctl("proxy-config", "routes", "--file", dump.toString()))
        .contains("reviews.default.svc.cluster.local");
    assertThat(istioctl("proxy-config", "eds", "--file", dump.toString()))
        .contains("127.0.0.11:9080", "HEALTHY", "outbound|9080||reviews.default.svc.cluster.local");
    assertThat(istioctl("proxy-config", "all", "--file", dump.toString())).contains(
        "cluster/outbound|9080||reviews.default.svc.cluster.local", "listener/127.0.0.1_9080", "route/9080",
        "endpoint/127.0.0.11:9080");
  }

  @Test
  void versionNamesMeshpilotsVersionAndTheSidecars() {
    assertThat(istioctl(withXds("experimental", "version")))
        .contains("control plane version: 1.31.0-e2e", "data plane version: 1.30.0 (1 proxies)");
  }

  /**
   * The command against meshpilot's plaintext xDS address. {@code --revision} spares istioctl its
   * look-up of the default revision, which waits for a Kubernetes API server that this test has not.
   */
  private String[] withXds(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--xds-address", "127.0.0.1:" + discovery.port(), "--plaintext", "--revision", "default",
        "--timeout", "20s"));
    return all.toArray(String[]::new);
  }

  private String istioctl(String... args) {
    List<String> command = new ArrayList<>();
    command.add(istioctl.toString());
    command.addAll(List.of(args));
    HostCommand.Result result = HostCommand.run(ISTIOCTL, command);
    assertThat(result.exitCode()).as("%s\nstdout: %s\nstderr: %s", String.join(" ", command), result.stdout(),
        result.stderr()).isZero();
    return result.stdout();
  }

  private static List<String> columns(String line) {
    return List.of(line.trim().split("\\s{2,}"));
  }
}
