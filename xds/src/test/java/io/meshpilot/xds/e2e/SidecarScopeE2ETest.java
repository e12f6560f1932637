package io.meshpilot.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.meshpilot.xds.MeshDiscovery;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.RecordingEvents;
import io.meshpilot.xds.XdsEvents;
import io.meshpilot.xds.push.PushSettings;
import io.meshpilot.xds.server.ProxySyncState;
import io.meshpilot.xds.server.PushRequest;
import io.meshpilot.xds.server.XdsType;
import io.meshpilot.xds.view.TrafficRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Sidecar resource with real Envoy, over SotW and Delta: a proxy in a namespace whose Sidecar
 * imports only {@code ./*} holds only those clusters (Envoy's own cluster list and count agree with
 * what meshpilot generates for it), routes to them, and a change outside its scope is not pushed to
 * it while a proxy that sees the change gets it; its Sidecar's ingress listener takes inbound
 * requests to the app's {@code defaultEndpoint}. Both Envoys run without capture; the second binds
 * its listeners to 127.0.0.2 through its own Sidecar's egress {@code bind}, so they do not collide.
 */
@Timeout(180)
class SidecarScopeE2ETest {
  private static final Duration AT_MOST = Duration.ofSeconds(20);
  private static final String REVIEWS = "outbound|9080||reviews.shop.svc.cluster.local";
  private static final String BILLING_8081 = "outbound|8081||billing.pay.svc.cluster.local";

  private final TrafficRegistry registry = new TrafficRegistry();
  private final RecordingEvents events = new RecordingEvents();
  private final Closer closer = new Closer();

  @AfterEach
  void closeAll() throws Exception {
    closer.close();
  }

  @ParameterizedTest
  @EnumSource(EnvoyBootstrap.AdsMode.class)
  void aScopedProxyHoldsOnlyItsHostsAndIsNotPushedChangesOutsideThem(EnvoyBootstrap.AdsMode mode) throws Exception {
    int workloadPort = freePort("127.0.0.11");
    HttpBackend reviews = closer.track(HttpBackend.start("reviews-v1", "127.0.0.11", workloadPort));
    service("shop", "reviews", "10.96.1.10", 9080);
    registry.mesh().upsert("test", new EndpointSliceBuilder().withNewMetadata().withName("reviews-1")
        .withNamespace("shop").withLabels(Map.of("kubernetes.io/service-name", "reviews")).endMetadata()
        .withAddressType("IPv4").addNewPort().withName("http-9080").withPort(workloadPort).endPort()
        .addToEndpoints(new EndpointBuilder().withAddresses("127.0.0.11").withNewConditions().withReady(true)
            .endConditions().build()).build());
    service("pay", "billing", "10.96.2.10", 8080);
    service("ads", "tracker", "10.96.3.10", 7070);
    int ingressPort = freePort("127.0.0.1");
    int appPort = freePort("127.0.0.1");
    HttpBackend app = closer.track(HttpBackend.start("productpage-app", "127.0.0.1", appPort));
    registry.sidecar("shop", "default", "2026-11-01T09:00:00Z", """
        ingress:
        - port: {number: %d, protocol: HTTP, name: http}
          defaultEndpoint: 127.0.0.1:%d
        egress: [{hosts: ["./*"]}]
        """.formatted(ingressPort, appPort));
    registry.sidecar("pay", "default", "2026-11-01T09:00:00Z", "egress: [{bind: 127.0.0.2, hosts: [\"*/*\"]}]");

    MeshDiscovery discovery = closer.track(MeshDiscovery.start(registry, MeshSettings.defaults(),
        PushSettings.defaults(), new InetSocketAddress("127.0.0.1", 0), (XdsEvents) events));
    EnvoyProcess shop = envoy(discovery, mode, "productpage-1", "shop", "127.0.0.1");
    EnvoyProcess pay = envoy(discovery, mode, "billing-1", "pay", "127.0.0.3");

    // Envoy holds exactly what meshpilot generates for the scoped proxy: its namespace's hosts only
    Set<String> generated = generatedClusters(discovery, "shop");
    assertThat(generated).containsExactlyInAnyOrder(REVIEWS, "BlackHoleCluster", "PassthroughCluster",
        "inbound|" + ingressPort + "||");
    await().atMost(AT_MOST).untilAsserted(() -> assertThat(dynamicClusters(shop)).isEqualTo(generated));
    assertThat(shop.stat("cluster_manager.active_clusters")).as("xds-grpc plus the dynamic ones")
        .isEqualTo(generated.size() + 1);
    assertThat(shop.configDump("resource=dynamic_active_clusters").toString())
        .contains(REVIEWS).doesNotContain("billing.pay", "tracker.ads");
    await().atMost(AT_MOST).untilAsserted(() -> assertThat(dynamicClusters(pay)).contains(REVIEWS,
        "outbound|8080||billing.pay.svc.cluster.local", "outbound|7070||tracker.ads.svc.cluster.local"));
    await().atMost(AT_MOST).until(() -> get(9080, "reviews.shop.svc.cluster.local").contains("served-by: reviews-v1"));
    assertThat(reviews.requestCount()).isPositive();
    // the Sidecar's ingress listener binds its port and hands requests to the app's defaultEndpoint
    await().atMost(AT_MOST).until(() -> get(ingressPort, "productpage.shop").contains("served-by: productpage-app"));
    assertThat(app.requestCount()).isPositive();

    // a service outside shop's scope changes: the push queues pay only, shop's CDS nonce stays
    String shopNonce = state(discovery, "shop").type(XdsType.CLUSTER).nonceSent();
    long shopAttempts = shop.stat("cluster_manager.cds.update_attempt");
    int pushesBefore = events.pushes().size();
    service("pay", "billing", "10.96.2.10", 8080, 8081);
    await().atMost(AT_MOST).untilAsserted(() -> assertThat(dynamicClusters(pay)).contains(BILLING_8081));
    List<XdsEvents.PushStart> billingPushes = events.pushes().subList(pushesBefore, events.pushes().size());
    assertThat(billingPushes).isNotEmpty().allSatisfy(push -> {
      assertThat(push.reasons()).containsKey(PushRequest.SERVICE);
      assertThat(push.proxies()).as("connections queued").isEqualTo(1);
    });
    assertThat(state(discovery, "shop").type(XdsType.CLUSTER).nonceSent()).isEqualTo(shopNonce);
    assertThat(shop.stat("cluster_manager.cds.update_attempt")).isEqualTo(shopAttempts);
    assertThat(dynamicClusters(shop)).isEqualTo(generated);

    // a change inside the scope still reaches it
    service("shop", "ratings", "10.96.1.20", 9080);
    await().atMost(AT_MOST).untilAsserted(() -> assertThat(dynamicClusters(shop))
        .contains("outbound|9080||ratings.shop.svc.cluster.local").doesNotContain(BILLING_8081));
    assertThat(dynamicClusters(shop)).isEqualTo(generatedClusters(discovery, "shop"));

    for (EnvoyProcess envoy : List.of(shop, pay)) {
      assertThat(envoy.stats("update_rejected")).as(envoy::diagnostics).allSatisfy((name, value) -> assertThat(value).isZero());
    }
  }

  private EnvoyProcess envoy(MeshDiscovery discovery, EnvoyBootstrap.AdsMode mode, String pod, String namespace,
      String ip) {
    SidecarNode node = SidecarNode.of(pod, namespace, ip).withLabels(Map.of("app", pod.substring(0, pod.indexOf('-'))))
        .withInterceptionMode(SidecarNode.InterceptionMode.NONE);
    return closer.track(EnvoyProcess.start(EnvoyBootstrap.forSidecar(node)
        .withAds(mode, new InetSocketAddress("127.0.0.1", discovery.port()))).awaitLive());
  }

  private static ProxySyncState state(MeshDiscovery discovery, String namespace) {
    return discovery.syncStatus().proxies().stream().filter(p -> p.proxy().namespace().equals(namespace))
        .findFirst().orElseThrow();
  }

  private static Set<String> generatedClusters(MeshDiscovery discovery, String namespace) {
    Set<String> names = new TreeSet<>();
    discovery.generate(state(discovery, namespace).proxy(), XdsType.CLUSTER, Set.of())
        .forEach(m -> names.add(((Cluster) m).getName()));
    return names;
  }

  /** The clusters Envoy has, less its bootstrap's static xds-grpc. */
  private static Set<String> dynamicClusters(EnvoyProcess envoy) {
    Set<String> names = new TreeSet<>();
    for (JsonNode cluster : envoy.clusters().path("cluster_statuses")) {
      names.add(cluster.path("name").asText());
    }
    names.remove("xds-grpc");
    return names;
  }

  private void service(String namespace, String name, String clusterIp, int... ports) {
    ServiceBuilder service = new ServiceBuilder().withNewMetadata().withName(name).withNamespace(namespace)
        .withCreationTimestamp("2026-11-01T09:00:00Z").endMetadata()
        .withNewSpec().withType("ClusterIP").withClusterIP(clusterIp).withClusterIPs(clusterIp)
        .withSelector(Map.of("app", name)).endSpec();
    for (int port : ports) {
      service.editSpec().addNewPort().withName("http-" + port).withPort(port).endPort().endSpec();
    }
    registry.mesh().upsert("test", service.build());
  }

  private static int freePort(String ip) throws java.io.IOException {
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(ip))) {
      return probe.getLocalPort();
    }
  }

  /** One HTTP/1.1 request to the scoped Envoy's 127.0.0.1:port with the given Host. */
  private static String get(int port, String host) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
