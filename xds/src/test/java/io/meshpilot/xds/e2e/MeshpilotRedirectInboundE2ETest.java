package io.meshpilot.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.xds.MeshDiscovery;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.e2e.EnvoyBootstrap.AdsMode;
import io.meshpilot.xds.e2e.NetnsSandbox.CallResult;
import io.meshpilot.xds.push.PushSettings;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * meshpilot end to end with real Envoy receiving inbound traffic in REDIRECT interception: inside a
 * network namespace the test creates, connections to the pod's address are redirected to
 * {@code virtualInbound} on 15006 (Envoy's own are not), and each chain istiod would pick must take
 * them to the app: the declared HTTP, TCP and sniffed ports, and the passthrough chains for plaintext
 * HTTP and for TLS on a port no service declares. Only one ADS mode: the inbound chains do not depend on it.
 */
@Timeout(240)
class MeshpilotRedirectInboundE2ETest {
  private static final String POD_IP = "127.20.0.10";

  private final MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
  private final Closer closer = new Closer();

  @AfterEach
  void closeAll() throws Exception {
    closer.close();
  }

  private <T extends AutoCloseable> T track(T resource) {
    return closer.track(resource);
  }

  @Test
  void inboundConnectionsReachTheAppThroughTheChainOfTheirPort() throws Exception {
    SidecarNode node = SidecarNode.of("productpage-v1-7d9f8", "default", POD_IP)
        .withLabels(Map.of("app", "productpage"))
        .withInterceptionMode(SidecarNode.InterceptionMode.REDIRECT);
    NetnsSandbox sandbox = track(NetnsSandbox.create());
    sandbox.addLoopbackAddress(POD_IP).interceptInbound(POD_IP);
    sandbox.startHttpBackend("app-http", POD_IP, 9080);
    sandbox.startTcpBackend("app-tcp", POD_IP, 9090);
    sandbox.startHttpBackend("app-sniffed", POD_IP, 9100);
    sandbox.startHttpBackend("app-undeclared", POD_IP, 7777);
    sandbox.startTcpBackend("app-tls", POD_IP, 7443);
    productpage(Map.of("http", 9080, "tcp", 9090, "sniffed", 9100));

    MeshDiscovery discovery = track(MeshDiscovery.start(registry, MeshSettings.defaults(), PushSettings.defaults(),
        new InetSocketAddress("127.0.0.1", 0)));
    EnvoyProcess envoy = track(EnvoyProcess.startIn(sandbox, EnvoyBootstrap.forSidecar(node)
        .withAds(AdsMode.SOTW, sandbox.bridgeToHost(new InetSocketAddress("127.0.0.1", discovery.port())))).awaitLive());

    // the HTTP port's chain: its HCM routes to inbound|9080||
    CallResult http = sandbox.httpGet(POD_IP, 9080, "productpage", "/");
    assertThat(http.status()).as("%s %s", http, envoy.diagnostics()).isEqualTo(200);
    assertThat(http.body()).startsWith("app-http");
    assertThat(total(envoy, "http\\.inbound_0\\.0\\.0\\.0_9080;\\.downstream_rq_total")).isPositive();

    // the TCP port's plaintext chain. The client speaks first: as in istiod's PERMISSIVE mode,
    // tls_inspector reads the first bytes of every port but 15006, so a server-first protocol waits
    CallResult tcp = sandbox.tcpCallClientFirst(POD_IP, 9090, "ping");
    assertThat(tcp.failed()).as("%s %s", tcp, envoy.diagnostics()).isFalse();
    assertThat(tcp.body()).startsWith("app-tcp");
    assertThat(total(envoy, "tcp\\.inbound\\|9090\\|\\|\\.downstream_cx_total")).isPositive();

    // the sniffed port: http_inspector finds HTTP/1.1, its HTTP chain takes it
    CallResult sniffed = sandbox.httpGet(POD_IP, 9100, "productpage", "/");
    assertThat(sniffed.status()).as("%s", sniffed).isEqualTo(200);
    assertThat(sniffed.body()).startsWith("app-sniffed");
    assertThat(total(envoy, "http\\.inbound_0\\.0\\.0\\.0_9100;\\.downstream_rq_total")).isPositive();

    // a port no service declares: virtualInbound-catchall-http, an HCM to InboundPassthroughCluster
    CallResult undeclared = sandbox.httpGet(POD_IP, 7777, "productpage", "/");
    assertThat(undeclared.status()).as("%s", undeclared).isEqualTo(200);
    assertThat(undeclared.body()).startsWith("app-undeclared");
    assertThat(total(envoy, "http\\.InboundPassthroughCluster;\\.downstream_rq_total")).isPositive();

    // TLS to an undeclared port: tls_inspector finds it, the TLS passthrough chain hands the bytes on
    // (the backend answers plaintext, so the handshake itself fails: only the hand-off matters)
    sandbox.inside("sh", "-c", "curl -sk --max-time 5 https://" + POD_IP + ":7443/ >/dev/null 2>&1 || true");
    assertThat(sandbox.requestCount("app-tls")).as(envoy::diagnostics).isEqualTo(1);
    assertThat(total(envoy, "tls_inspector\\.tls_found")).isPositive();

    assertThat(total(envoy, "listener\\.0\\.0\\.0\\.0_15006\\.no_filter_chain_match")).isZero();
    assertThat(envoy.stats("update_rejected")).as(envoy::diagnostics)
        .allSatisfy((name, value) -> assertThat(value).isZero());
  }

  /** The sum of the stats matching {@code regex} (some, such as the inspectors', exist per listener). */
  private static long total(EnvoyProcess envoy, String regex) {
    return envoy.stats(regex).values().stream().mapToLong(Long::longValue).sum();
  }

  /** Service productpage selecting the pod, with these named ports (target port = port). */
  private void productpage(Map<String, Integer> ports) {
    ServiceBuilder service = new ServiceBuilder().withNewMetadata().withName("productpage").withNamespace("default")
        .endMetadata().withNewSpec().withType("ClusterIP").withClusterIP("127.10.0.10").withClusterIPs("127.10.0.10")
        .withSelector(Map.of("app", "productpage")).endSpec();
    EndpointSliceBuilder slice = new EndpointSliceBuilder().withNewMetadata().withName("productpage-abc")
        .withNamespace("default").withLabels(Map.of("kubernetes.io/service-name", "productpage")).endMetadata()
        .withAddressType("IPv4");
    ports.forEach((name, port) -> {
      // "sniffed" is no protocol name: the port is sniffed, as an unnamed one
      service.editSpec().addToPorts(new ServicePortBuilder().withName(name).withPort(port).build()).endSpec();
      slice.addToPorts(new EndpointPortBuilder().withName(name).withPort(port).build());
    });
    registry.upsert("test", service.build());
    registry.upsert("test", new PodBuilder().withNewMetadata().withName("productpage-v1-7d9f8").withNamespace("default")
        .withLabels(Map.of("app", "productpage")).endMetadata().withNewSpec().withServiceAccountName("productpage")
        .endSpec().withNewStatus().withPodIP(POD_IP).addNewPodIP(POD_IP)
        .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build());
    registry.upsert("test", slice.addToEndpoints(new EndpointBuilder().withAddresses(POD_IP)
        .withNewConditions().withReady(true).endConditions()
        .withNewTargetRef().withKind("Pod").withName("productpage-v1-7d9f8").withNamespace("default").endTargetRef()
        .build()).build());
  }
}
