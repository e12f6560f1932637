package io.meshpilot.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.xds.MeshDiscovery;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.OutboundTrafficPolicy;
import io.meshpilot.xds.push.PushSettings;
import io.meshpilot.xds.e2e.EnvoyBootstrap.AdsMode;
import io.meshpilot.xds.e2e.NetnsSandbox.CallResult;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * meshpilot end to end with real Envoy in REDIRECT interception, as a Kubernetes sidecar sees it:
 * inside a network namespace the test creates, iptables redirects the client's outbound TCP to
 * Envoy's 15001 (Envoy runs as uid 1337 and is not redirected), and every address is a loopback
 * address inside that namespace. meshpilot runs on the host and reaches Envoy through a Unix-socket
 * bridge.
 */
@Timeout(240)
class MeshpilotRedirectInterceptionE2ETest {
  private static final String REVIEWS = "reviews.default.svc.cluster.local";
  private static final String REVIEWS_VIP = "127.10.0.12";
  private static final List<String> REVIEWS_PODS = List.of("127.20.0.11", "127.20.0.12", "127.20.0.13");
  private static final String UNREGISTERED = "127.30.0.5";
  private static final Duration AT_MOST = Duration.ofSeconds(20);

  private final MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
  private final Closer closer = new Closer();

  @AfterEach
  void closeAll() throws Exception {
    closer.close();
  }

  private <T extends AutoCloseable> T track(T resource) {
    return closer.track(resource);
  }

  static Stream<Arguments> modes() {
    return Stream.of(AdsMode.values()).flatMap(ads -> Stream.of(OutboundTrafficPolicy.values())
        .map(policy -> Arguments.of(ads, policy)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("modes")
  void clientReachesServiceVipThroughVirtualOutboundAndUnknownHostsFollowThePolicy(AdsMode ads,
      OutboundTrafficPolicy policy) throws Exception {
    SidecarNode node = SidecarNode.of("productpage-v1-7d9f8", "default", "127.20.0.10")
        .withLabels(Map.of("app", "productpage"))
        .withInterceptionMode(SidecarNode.InterceptionMode.REDIRECT);
    NetnsSandbox sandbox = track(NetnsSandbox.create());
    sandbox.addLoopbackAddress(REVIEWS_VIP).addLoopbackAddress(node.ip()).addLoopbackAddress(UNREGISTERED);
    REVIEWS_PODS.forEach(sandbox::addLoopbackAddress);
    sandbox.interceptOutbound();
    for (int i = 0; i < REVIEWS_PODS.size(); i++) {
      sandbox.startHttpBackend("reviews-v" + (i + 1), REVIEWS_PODS.get(i), 9080);
    }
    sandbox.startHttpBackend("external", UNREGISTERED, 8080);

    registry.upsert("test", new ServiceBuilder().withNewMetadata().withName("reviews").withNamespace("default")
        .endMetadata().withNewSpec().withType("ClusterIP").withClusterIP(REVIEWS_VIP).withClusterIPs(REVIEWS_VIP)
        .withSelector(Map.of("app", "reviews")).addNewPort().withName("http").withPort(9080).endPort().endSpec()
        .build());
    EndpointSliceBuilder slice = new EndpointSliceBuilder().withNewMetadata().withName("reviews-abc")
        .withNamespace("default").withLabels(Map.of("kubernetes.io/service-name", "reviews")).endMetadata()
        .withAddressType("IPv4").addNewPort().withName("http").withPort(9080).endPort();
    for (int i = 0; i < REVIEWS_PODS.size(); i++) {
      String pod = "reviews-v" + (i + 1);
      registry.upsert("test", new PodBuilder().withNewMetadata().withName(pod).withNamespace("default")
          .withLabels(Map.of("app", "reviews")).endMetadata().withNewSpec().withServiceAccountName("reviews").endSpec()
          .withNewStatus().withPodIP(REVIEWS_PODS.get(i)).addNewPodIP(REVIEWS_PODS.get(i))
          .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build());
      slice.addToEndpoints(new EndpointBuilder().withAddresses(REVIEWS_PODS.get(i))
          .withNewConditions().withReady(true).endConditions()
          .withNewTargetRef().withKind("Pod").withName(pod).withNamespace("default").endTargetRef().build());
    }
    registry.upsert("test", slice.build());

    MeshDiscovery discovery = track(MeshDiscovery.start(registry, MeshSettings.defaults().withOutboundTrafficPolicy(policy),
        PushSettings.defaults(), new InetSocketAddress("127.0.0.1", 0)));
    EnvoyProcess envoy = track(EnvoyProcess.startIn(sandbox, EnvoyBootstrap.forSidecar(node)
        .withAds(ads, sandbox.bridgeToHost(new InetSocketAddress("127.0.0.1", discovery.port())))).awaitLive());

    // The service VIP: captured, handed to 0.0.0.0_9080, routed by Host to a reviews pod.
    CallResult viaVip = sandbox.httpGet(REVIEWS_VIP, 9080, REVIEWS, "/");
    assertThat(viaVip.status()).as("%s %s", viaVip, envoy.diagnostics()).isEqualTo(200);
    assertThat(viaVip.body()).startsWith("reviews-v");
    assertThat(sandbox.httpGet(REVIEWS_VIP, 9080, "reviews", "/").body()).startsWith("reviews-v");

    // An address no service claims: passed through under ALLOW_ANY, blocked under REGISTRY_ONLY.
    CallResult unknown = sandbox.httpGet(UNREGISTERED, 8080, "external.example.com", "/");
    if (policy == OutboundTrafficPolicy.ALLOW_ANY) {
      assertThat(unknown.status()).as("%s", unknown).isEqualTo(200);
      assertThat(unknown.body()).startsWith("external");
    } else {
      assertThat(unknown.failed() || unknown.status() == 502).as("%s", unknown).isTrue();
      assertThat(sandbox.requestCount("external")).isZero();

      // A ServiceEntry for that host makes it reachable again.
      registry.upsert("test", new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1")
          .withKind("ServiceEntry").withNewMetadata().withName("external").withNamespace("default").endMetadata()
          .withAdditionalProperties(Map.of("spec", Map.of("hosts", List.of("external.example.com"),
              "addresses", List.of(UNREGISTERED), "location", "MESH_EXTERNAL", "resolution", "NONE",
              "ports", List.of(Map.of("number", 8080, "name", "http", "protocol", "HTTP")))))
          .build());
      await().atMost(AT_MOST).until(() -> sandbox.httpGet(UNREGISTERED, 8080, "external.example.com", "/").status() == 200);
      assertThat(sandbox.requestCount("external")).isPositive();
    }

    assertThat(envoy.stats("update_rejected")).as(envoy::diagnostics).allSatisfy((name, value) -> assertThat(value).isZero());
    String dump = envoy.configDump("").toString();
    assertThat(dump).contains("\"virtualOutbound\"", "\"0.0.0.0_9080\"", "\"route_config_name\":\"9080\"",
        "outbound|9080||reviews.default.svc.cluster.local", "\"virtualInbound\"");
  }
}
