package io.meshpilot.controlplane.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.grpc.Status;
import io.meshpilot.debughttp.KubeTokenReviewer;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.kube.KubeSource;
import io.meshpilot.registry.kube.KubeSourceOptions;
import io.meshpilot.registry.realcluster.RealApiServer;
import io.meshpilot.registry.realcluster.RealApiServerExtension;
import io.meshpilot.xds.MeshDiscovery;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.XdsEvents;
import io.meshpilot.xds.auth.AdsProbe;
import io.meshpilot.xds.auth.CachingTokenReviewer;
import io.meshpilot.xds.auth.XdsAuthOptions;
import io.meshpilot.xds.auth.XdsAuthenticator;
import io.meshpilot.xds.e2e.TestCertificates;
import io.meshpilot.xds.e2e.TestCertificates.KeyType;
import io.meshpilot.xds.push.PushSettings;
import io.meshpilot.xds.server.XdsTlsOptions;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's RBAC on a real kube-apiserver: meshpilot's ServiceAccount, bound to exactly the
 * rendered ClusterRole (and with the chart's own ServiceEntry CRD installed), syncs every informer
 * with a token from the TokenRequest API and may do nothing else; with that same identity, the TLS
 * xDS listener checks pilot-agent-style tokens (audience istio-ca) with real TokenReviews.
 */
class ChartRbacOnRealServerTest {
  @RegisterExtension
  static final RealApiServerExtension KUBE = new RealApiServerExtension();

  private static final Duration AT_MOST = Duration.ofSeconds(30);
  private static final RenderedChart CHART =
      ChartRenderer.render(Map.of("crds.serviceEntry.enabled", true, "debug.tokenReview", true));

  @TempDir
  static Path dir;
  private static String meshpilotToken;
  private final List<AutoCloseable> resources = new ArrayList<>();

  @BeforeAll
  static void installTheChartsRbacAndCrd() {
    RealApiServer server = KUBE.server();
    KubernetesClient admin = server.client();
    server.createNamespace(ChartRenderer.NAMESPACE);
    CustomResourceDefinition crd = CHART.one(CustomResourceDefinition.class);
    ServiceAccount account = CHART.one(ServiceAccount.class);
    ClusterRole role = CHART.one(ClusterRole.class);
    ClusterRoleBinding binding = CHART.one(ClusterRoleBinding.class);
    for (HasMetadata object : List.of(crd, account, role, binding)) {
      admin.resource(object).create();
    }
    await().atMost(AT_MOST).until(() -> admin.apiextensions().v1().customResourceDefinitions()
        .withName(crd.getMetadata().getName()).get().getStatus().getConditions().stream()
        .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True")));
    meshpilotToken = token(admin, ChartRenderer.NAMESPACE, account.getMetadata().getName(), List.of());
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable r : resources.reversed()) {
      r.close();
    }
  }

  /** A bound token from the TokenRequest API, as the kubelet or {@code kubectl create token} gets one. */
  private static String token(KubernetesClient admin, String namespace, String serviceAccount, List<String> audiences) {
    return admin.serviceAccounts().inNamespace(namespace).withName(serviceAccount)
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withAudiences(audiences).withExpirationSeconds(3600L)
            .endSpec().build())
        .getStatus().getToken();
  }

  private KubernetesClient meshpilotClient() {
    KubernetesClient client = KUBE.server().newClient(meshpilotToken);
    resources.add(client);
    return client;
  }

  @Test
  void serviceAccountBoundToTheChartsClusterRoleSyncsEveryInformerAndMayDoNothingElse() {
    KubernetesClient admin = KUBE.server().client();
    KUBE.server().createNamespace("shop");
    admin.resource(new NodeBuilder().withNewMetadata().withName("node-a")
        .withLabels(Map.of("topology.kubernetes.io/zone", "z1")).endMetadata().build()).create();
    admin.resource(new ServiceBuilder().withNewMetadata().withNamespace("shop").withName("cart").endMetadata()
        .withNewSpec().addNewPort().withName("http").withPort(80).endPort().withSelector(Map.of("app", "cart"))
        .endSpec().build()).create();
    admin.resource(new EndpointSliceBuilder().withNewMetadata().withNamespace("shop").withName("cart-x")
        .withLabels(Map.of("kubernetes.io/service-name", "cart")).endMetadata().withAddressType("IPv4")
        .addNewPort().withName("http").withPort(8080).endPort()
        .addNewEndpoint().withAddresses("10.244.0.1").endEndpoint().build()).create();
    admin.resource(new PodBuilder().withNewMetadata().withNamespace("shop").withName("cart-1")
        .withLabels(Map.of("app", "cart")).endMetadata().withNewSpec().addNewContainer().withName("app")
        .withImage("app").endContainer().endSpec().build()).create();
    admin.resource(new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1")
        .withKind("ServiceEntry").withNewMetadata().withNamespace("shop").withName("payments").endMetadata()
        .addToAdditionalProperties("spec", Map.of("hosts", List.of("payments.example.com"), "resolution", "DNS",
            "ports", List.of(Map.of("number", 443, "name", "https", "protocol", "TLS"))))
        .build()).create();

    MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
    KubeSource source = new KubeSource(meshpilotClient(), registry, KubeSourceOptions.defaults());
    resources.add(source);
    source.start();

    await().atMost(AT_MOST).until(registry::synced);
    assertThat(registry.services()).extracting(io.meshpilot.registry.model.Service::hostname)
        .contains("cart.shop.svc.cluster.local", "payments.example.com");
    assertThat(registry.endpointShards("cart.shop.svc.cluster.local", "shop").values()).singleElement()
        .satisfies(endpoints -> assertThat(endpoints).extracting(e -> e.address()).containsExactly("10.244.0.1"));
    assertThat(registry.rejections()).isEmpty();

    KubernetesClient meshpilot = meshpilotClient();
    assertThatThrownBy(() -> meshpilot.secrets().inAnyNamespace().list())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    assertThatThrownBy(() -> meshpilot.services().inNamespace("shop").withName("cart").delete())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    assertThatThrownBy(() -> meshpilot.apiextensions().v1().customResourceDefinitions().list())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
  }

  @Test
  void tlsXdsAcceptsAServiceAccountTokenForItsOwnNamespaceOnlyReviewedByTheRealServer() throws Exception {
    KubernetesClient admin = KUBE.server().client();
    KUBE.server().createNamespace("ns1");
    admin.resource(new ServiceAccountBuilder().withNewMetadata().withNamespace("ns1").withName("sa1").endMetadata()
        .build()).create();
    String agentToken = token(admin, "ns1", "sa1", List.of("istio-ca"));
    String apiToken = token(admin, "ns1", "sa1", List.of());

    TestCertificates.Authority ca = TestCertificates.authority(dir.resolve("ca"), "xds-auth-ca");
    ca.issueServer(KeyType.EC).writeTo(dir.resolve("tls.crt"), dir.resolve("tls.key"));
    Path caFile = Files.writeString(dir.resolve("ca.crt"), ca.certificatePem());
    // what ServerCommand wires: TokenReviews made with meshpilot's own (chart-RBAC) identity, cached
    XdsAuthenticator authenticator = new XdsAuthenticator(XdsAuthOptions.defaults(),
        CachingTokenReviewer.of(new KubeTokenReviewer(meshpilotClient(), List.of("istio-ca"))));
    MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
    MeshDiscovery discovery = MeshDiscovery.start(registry, MeshSettings.defaults(), PushSettings.defaults(),
        new InetSocketAddress("127.0.0.1", 0), Optional.of(XdsTlsOptions.of(new InetSocketAddress("127.0.0.1", 0),
            dir.resolve("tls.crt"), dir.resolve("tls.key")).withAuthenticator(authenticator)), XdsEvents.NONE);
    resources.add(discovery);
    int tlsPort = discovery.tlsPort().orElseThrow();

    AdsProbe.Outcome accepted = open(tlsPort, caFile, "ns1", Optional.of("sa1"), agentToken);
    AdsProbe.Outcome otherNamespace = open(tlsPort, caFile, "ns2", Optional.of("sa1"), agentToken);
    AdsProbe.Outcome otherAccount = open(tlsPort, caFile, "ns1", Optional.of("sa2"), agentToken);
    AdsProbe.Outcome wrongAudience = open(tlsPort, caFile, "ns1", Optional.of("sa1"), apiToken);

    assertThat(accepted.served()).as(accepted::toString).isTrue();
    assertThat(otherNamespace.code()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(otherNamespace.description()).isEqualTo(
        "authorization failed: no identities ([spiffe://cluster.local/ns/ns1/sa/sa1]) matched ns2/sa1");
    assertThat(otherAccount.code()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(wrongAudience.code()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(wrongAudience.description()).contains("did not pass TokenReview");
  }

  private static AdsProbe.Outcome open(int port, Path ca, String namespace, Optional<String> serviceAccount,
      String token) throws Exception {
    try (AdsProbe probe = AdsProbe.tls(port, ca, Optional.empty(), Optional.empty())) {
      return probe.open(AdsProbe.sidecar("app-1", namespace, serviceAccount), Optional.of(token), Duration.ofSeconds(20));
    }
  }
}
