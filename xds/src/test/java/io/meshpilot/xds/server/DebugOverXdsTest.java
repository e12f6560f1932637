package io.meshpilot.xds.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.admin.v3.BootstrapConfigDump;
import io.envoyproxy.envoy.admin.v3.ClustersConfigDump;
import io.envoyproxy.envoy.admin.v3.ListenersConfigDump;
import io.envoyproxy.envoy.admin.v3.RoutesConfigDump;
import io.envoyproxy.envoy.admin.v3.ScopedRoutesConfigDump;
import io.envoyproxy.envoy.admin.v3.SecretsConfigDump;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.status.v3.ClientConfig;
import io.envoyproxy.envoy.service.status.v3.ConfigStatus;
import io.grpc.Status;
import io.meshpilot.xds.XdsEvents;
import io.meshpilot.xds.auth.AdsProbe;
import io.meshpilot.xds.auth.XdsAuthOptions;
import io.meshpilot.xds.auth.XdsAuthenticator;
import io.meshpilot.xds.debug.ControlPlaneInstance;
import io.meshpilot.xds.debug.DebugAuthorization;
import io.meshpilot.xds.debug.DebugSettings;
import io.meshpilot.xds.debug.DebugType;
import io.meshpilot.xds.debug.StatusGenerator;
import io.meshpilot.xds.dump.ConfigDumpBuilder;
import io.meshpilot.xds.e2e.TestCertificates;
import io.meshpilot.xds.e2e.TestCertificates.Authority;
import io.meshpilot.xds.e2e.TestCertificates.KeyType;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * istiod's debug-over-xDS types on the ADS server, asked as istioctl asks them (one request on a
 * stream of its own, node {@code test-1.istio-system}, GENERATOR {@code event}): syncz lists every
 * proxy with its status per type and the instance in {@code control_plane}; config_dump answers
 * the named proxy's dump; callers without a verified identity are refused as istiod refuses them,
 * and identities outside the system namespace see only their own namespace.
 */
class DebugOverXdsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String SYNCZ = DebugType.SYNCZ.typeUrl();
  private static final String CONFIG_DUMP = DebugType.CONFIG_DUMP.typeUrl();
  private static final String VERSION = "2026-12-02T10:00:00Z/7";
  private static final DebugAuthorization OPEN = new DebugAuthorization(false, "istio-system", Set.of());

  @TempDir
  Path dir;

  private final FakeResourceSource source = new FakeResourceSource();
  private final ConfigDumpBuilder dumps = new ConfigDumpBuilder((p, t, n) -> source.generate(p, t, n).messages());
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  @Test
  void synczListsEachProxyWithTheStatusOfEveryTypeItWatches() throws Exception {
    AdsServer server = start(OPEN, Optional.empty());
    XdsTestClient sidecar = connect(server, XdsTestClient.sidecarNode());
    sidecar.request(XdsType.CLUSTER, List.of(), "", "");
    sidecar.ack(XdsType.CLUSTER, sidecar.next(XdsType.CLUSTER), List.of());
    sidecar.request(XdsType.LISTENER, List.of(), "", "");
    sidecar.next(XdsType.LISTENER); // not ACKed: STALE
    await().atMost(WAIT).until(() -> server.syncStatus().proxies().getFirst().type(XdsType.CLUSTER).status()
        == SyncStatus.SYNCED);

    DiscoveryResponse syncz = ask(server, istioctl("istio-system"), Optional.empty(), SYNCZ, List.of());

    assertThat(syncz.getTypeUrl()).isEqualTo(SYNCZ);
    assertThat(syncz.getVersionInfo()).isEqualTo(VERSION);
    assertThat(syncz.getControlPlane().getIdentifier()).isEqualTo(
        "{\"Component\":\"istiod\",\"ID\":\"meshpilot-0\",\"Info\":{\"version\":\"1.31.0\",\"revision\":\"\","
            + "\"golang_version\":\"\",\"status\":\"\",\"tag\":\"\"}}");
    assertThat(syncz.getResourcesList()).hasSize(1); // istioctl's own stream is no proxy
    ClientConfig config = syncz.getResources(0).unpack(ClientConfig.class);
    assertThat(config.getNode().getId()).isEqualTo("pod-a.default");
    assertThat(config.getNode().getMetadata().getFieldsMap()).containsOnlyKeys("NAMESPACE", "CLUSTER_ID");
    assertThat(config.getGenericXdsConfigsList()).extracting(c -> c.getTypeUrl(), c -> c.getConfigStatus())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(XdsType.CLUSTER.typeUrl(), ConfigStatus.SYNCED),
            org.assertj.core.groups.Tuple.tuple(XdsType.LISTENER.typeUrl(), ConfigStatus.STALE));
  }

  @Test
  void aDebugRequestIsAnsweredOnceAndStartsNoWatch() throws Exception {
    AdsServer server = start(OPEN, Optional.empty());
    XdsTestClient istioctl = connect(server, istioctl("istio-system"));
    // istioctl's xDS client puts the time into the first request's nonce.
    istioctl.request(SYNCZ, List.of(), "", "2026-12-02 10:00:00.1 +0000 UTC m=+0.01");

    assertThat(istioctl.first(SYNCZ).getResourcesList()).isEmpty();
    assertThat(server.syncStatus().proxies()).singleElement()
        .satisfies(p -> assertThat(p.types()).isEmpty());
    server.push(PushRequest.fullPush());
    assertThat(istioctl.responses()).hasSize(1);
  }

  @Test
  void configDumpAnswersTheNamedProxysDumpSections() throws Exception {
    AdsServer server = start(OPEN, Optional.empty());
    XdsTestClient sidecar = connect(server, XdsTestClient.sidecarNode());
    sidecar.request(XdsType.CLUSTER, List.of(), "", "");
    sidecar.next(XdsType.CLUSTER);

    DiscoveryResponse dump = ask(server, istioctl("istio-system"), Optional.empty(), CONFIG_DUMP,
        List.of("pod-a.default"));

    assertThat(dump.getTypeUrl()).isEqualTo(CONFIG_DUMP);
    assertThat(dump.hasControlPlane()).isFalse();
    assertThat(dump.getResourcesList()).extracting(Any::getTypeUrl).containsExactly(
        typeUrl(BootstrapConfigDump.getDescriptor()), typeUrl(ClustersConfigDump.getDescriptor()),
        typeUrl(ListenersConfigDump.getDescriptor()), typeUrl(ScopedRoutesConfigDump.getDescriptor()),
        typeUrl(RoutesConfigDump.getDescriptor()), typeUrl(SecretsConfigDump.getDescriptor()));
    ClustersConfigDump clusters = dump.getResources(1).unpack(ClustersConfigDump.class);
    List<String> names = new ArrayList<>();
    for (ClustersConfigDump.DynamicCluster c : clusters.getDynamicActiveClustersList()) {
      names.add(c.getCluster().unpack(Cluster.class).getName());
    }
    assertThat(names).containsExactly(FakeResourceSource.RATINGS_CLUSTER, FakeResourceSource.REVIEWS_CLUSTER);
    assertThat(dump.getResourcesList()).isEqualTo(dumps.full(
        server.syncStatus().proxies().getFirst().proxy(), VERSION, false).getConfigsList());
  }

  @Test
  void configDumpOfAProxyNotConnectedHereOrOfNoneHasNoResources() throws Exception {
    AdsServer server = start(OPEN, Optional.empty());

    assertThat(ask(server, istioctl("istio-system"), Optional.empty(), CONFIG_DUMP, List.of("gone.default"))
        .getResourcesList()).isEmpty();
    assertThat(ask(server, istioctl("istio-system"), Optional.empty(), CONFIG_DUMP, List.of())
        .getResourcesList()).isEmpty();
  }

  @Test
  void anotherDebugTypeEndsTheStreamWithUnimplemented() throws Exception {
    AdsServer server = start(OPEN, Optional.empty());

    try (AdsProbe probe = AdsProbe.plaintext(server.port())) {
      AdsProbe.Outcome outcome = probe.open(istioctl("istio-system"), Optional.empty(), "istio.io/debug",
          List.of("syncz"), WAIT);
      assertThat(outcome.code()).isEqualTo(Status.Code.UNIMPLEMENTED);
      assertThat(outcome.description()).startsWith("meshpilot does not serve istio.io/debug over xDS");
    }
  }

  @Test
  void aCallerWithoutVerifiedIdentityIsRefusedAndProxiesAreNotDisturbed() throws Exception {
    AdsServer server = start(DebugAuthorization.defaults(), Optional.empty());
    XdsTestClient sidecar = connect(server, XdsTestClient.sidecarNode());
    sidecar.request(XdsType.CLUSTER, List.of(), "", "");
    sidecar.next(XdsType.CLUSTER);

    try (AdsProbe probe = AdsProbe.plaintext(server.port())) {
      AdsProbe.Outcome outcome = probe.open(istioctl("istio-system"), Optional.empty(), SYNCZ, List.of(), WAIT);
      assertThat(outcome.code()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(outcome.description()).isEqualTo("authentication required");
    }
    sidecar.request(XdsType.LISTENER, List.of(), "", "");
    assertThat(sidecar.next(XdsType.LISTENER).getResourcesCount()).isEqualTo(1);
  }

  @Test
  void anIdentityOutsideTheSystemNamespaceSeesOnlyItsOwnNamespace() throws Exception {
    Authority authority = TestCertificates.authority(dir.resolve("ca"), "debug-test-ca");
    authority.issueServer(KeyType.EC).writeTo(dir.resolve("tls.crt"), dir.resolve("tls.key"));
    Path ca = dir.resolve("ca.crt");
    Files.writeString(ca, authority.certificatePem());
    Map<String, String> users = Map.of("ns1-token", "system:serviceaccount:ns1:default",
        "system-token", "system:serviceaccount:istio-system:default");
    XdsTlsOptions tls = XdsTlsOptions.of(new InetSocketAddress("127.0.0.1", 0), dir.resolve("tls.crt"),
        dir.resolve("tls.key")).withAuthenticator(new XdsAuthenticator(XdsAuthOptions.defaults(),
        token -> Optional.ofNullable(users.get(token))));
    AdsServer server = start(DebugAuthorization.defaults(), Optional.of(tls));
    for (Node node : List.of(AdsProbe.sidecar("pod-a", "default", Optional.empty()),
        AdsProbe.sidecar("pod-b", "ns1", Optional.empty()))) {
      XdsTestClient sidecar = connect(server, node);
      sidecar.request(XdsType.CLUSTER, List.of(), "", "");
      sidecar.next(XdsType.CLUSTER);
    }

    try (AdsProbe probe = AdsProbe.tls(server.tlsPort().orElseThrow(), ca, Optional.empty(), Optional.empty())) {
      assertThat(proxyIds(probe.open(istioctl("ns1"), Optional.of("ns1-token"), SYNCZ, List.of(), WAIT)))
          .containsExactly("pod-b.ns1");
      assertThat(proxyIds(probe.open(istioctl("istio-system"), Optional.of("system-token"), SYNCZ, List.of(), WAIT)))
          .containsExactly("pod-a.default", "pod-b.ns1");
      assertThat(probe.open(istioctl("ns1"), Optional.of("ns1-token"), CONFIG_DUMP, List.of("pod-a.default"), WAIT)
          .response().orElseThrow().getResourcesList()).isEmpty();
      assertThat(probe.open(istioctl("ns1"), Optional.of("ns1-token"), CONFIG_DUMP, List.of("pod-b.ns1"), WAIT)
          .response().orElseThrow().getResourcesList()).hasSize(6);
    }
  }

  private AdsServer start(DebugAuthorization authorization, Optional<XdsTlsOptions> tls) throws Exception {
    StatusGenerator debug = new StatusGenerator(
        new DebugSettings(authorization, ControlPlaneInstance.of("meshpilot-0", "1.31.0")), dumps, () -> VERSION);
    AdsServer server = new AdsServer(new InetSocketAddress("127.0.0.1", 0), tls, source, XdsEvents.NONE,
        AdsSettings.defaults(), debug).start();
    open.add(server);
    return server;
  }

  private XdsTestClient connect(AdsServer server, Node node) {
    XdsTestClient client = XdsTestClient.sotw(server.port(), node);
    open.add(client);
    return client;
  }

  private static DiscoveryResponse ask(AdsServer server, Node node, Optional<String> token, String typeUrl,
      List<String> names) throws Exception {
    try (AdsProbe probe = AdsProbe.plaintext(server.port())) {
      AdsProbe.Outcome outcome = probe.open(node, token, typeUrl, names, WAIT);
      assertThat(outcome.error()).as("stream error").isEmpty();
      return outcome.response().orElseThrow();
    }
  }

  private static List<String> proxyIds(AdsProbe.Outcome outcome) throws Exception {
    List<String> ids = new ArrayList<>();
    for (Any resource : outcome.response().orElseThrow().getResourcesList()) {
      ids.add(resource.unpack(ClientConfig.class).getNode().getId());
    }
    return ids;
  }

  /** The node istioctl's xDS client sends: pod test-1 in the namespace it asks as, GENERATOR event. */
  static Node istioctl(String namespace) {
    return Node.newBuilder()
        .setId("sidecar~10.0.0.9~test-1." + namespace + "~" + namespace + ".svc.cluster.local")
        .setMetadata(Struct.newBuilder()
            .putFields("GENERATOR", Value.newBuilder().setStringValue("event").build())
            .putFields("SERVICE_ACCOUNT", Value.newBuilder().setStringValue("default").build())
            .putFields("NAMESPACE", Value.newBuilder().setStringValue(namespace).build())
            .putFields("ISTIO_VERSION", Value.newBuilder().setStringValue("65536.65536.65536").build()))
        .build();
  }

  private static String typeUrl(com.google.protobuf.Descriptors.Descriptor descriptor) {
    return "type.googleapis.com/" + descriptor.getFullName();
  }
}
