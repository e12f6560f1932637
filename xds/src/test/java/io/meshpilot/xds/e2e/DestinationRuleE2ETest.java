package io.meshpilot.xds.e2e;

import static io.meshpilot.xds.TrafficFixture.destinationRule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.JsonFormat;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.networking.DestinationRule;
import io.meshpilot.registry.networking.IstioConfig;
import io.meshpilot.registry.networking.TrafficConfigs;
import io.meshpilot.xds.MeshDiscovery;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.TrafficFixture;
import io.meshpilot.xds.cluster.HashPolicies;
import io.meshpilot.xds.cluster.MeshFixture;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.push.PushSettings;
import io.meshpilot.xds.view.PushContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * DestinationRule policies as real Envoy enforces them, over SotW and Delta ADS, in interception
 * mode NONE: subset clusters reach only their labelled endpoints, consistent hashing keeps a user
 * on one backend, outlier detection ejects a failing backend, a connection pool overflows into
 * Envoy's counter, TLS is originated to a backend signed by the tests' CA, and locality failover
 * keeps traffic in the proxy's locality until its endpoints there are unhealthy. Subset and hash
 * traffic enters through a static listener whose routes name the subset cluster and carry the
 * hash policy {@link HashPolicies} gives routes (VirtualService routing is not part of this).
 */
@Timeout(240)
class DestinationRuleE2ETest {
  private static final int PORT = 19480;
  private static final String NS = "default";
  private static final Duration AT_MOST = Duration.ofSeconds(20);

  private final MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
  private final Closer closer = new Closer();
  private volatile TrafficConfigs traffic = TrafficConfigs.EMPTY;

  @TempDir
  Path dir;

  @AfterEach
  void closeAll() throws Exception {
    closer.close();
  }

  private <T extends AutoCloseable> T track(T resource) {
    return closer.track(resource);
  }

  @ParameterizedTest
  @EnumSource(EnvoyBootstrap.AdsMode.class)
  void envoyEnforcesDestinationRulePolicies(EnvoyBootstrap.AdsMode mode) throws Exception {
    int workloadPort = freePort();
    List<HttpBackend> reviews = List.of(
        track(HttpBackend.start("reviews-v1", "127.0.0.61", workloadPort)),
        track(HttpBackend.start("reviews-v2a", "127.0.0.62", workloadPort)),
        track(HttpBackend.start("reviews-v2b", "127.0.0.63", workloadPort)));
    workload("reviews", Map.of("reviews-v1", "127.0.0.61", "reviews-v2a", "127.0.0.62", "reviews-v2b", "127.0.0.63"),
        workloadPort, "v1", "v2", "v2");
    ScriptedBackend healthy = track(ScriptedBackend.answering("flaky-ok", "127.0.0.71", workloadPort, 200));
    ScriptedBackend failing = track(ScriptedBackend.answering("flaky-bad", "127.0.0.72", workloadPort, 503));
    workload("flaky", Map.of("flaky-ok", "127.0.0.71", "flaky-bad", "127.0.0.72"), workloadPort, "v1", "v1");
    ScriptedBackend busy = track(ScriptedBackend.holding("busy-1", "127.0.0.81", workloadPort));
    workload("busy", Map.of("busy-1", "127.0.0.81"), workloadPort, "v1");
    TestCertificates.Authority ca = TestCertificates.authority(dir.resolve("ca"), "meshpilot-test-ca");
    Path caFile = dir.resolve("ca.pem");
    TestCertificates.write(caFile, ca.certificatePem());
    String secureHost = "secure." + NS + ".svc.cluster.local";
    ScriptedBackend secure = track(ScriptedBackend.tls("secure-1", "127.0.0.91", workloadPort,
        ca.issue(secureHost, TestCertificates.KeyType.EC, "dns:" + secureHost), ca));
    workload("secure", Map.of("secure-1", "127.0.0.91"), workloadPort, "v1");

    traffic = TrafficFixture.rules(List.of(
        destinationRule(NS, "reviews", """
            host: reviews
            trafficPolicy:
              loadBalancer: {consistentHash: {httpHeaderName: x-user}}
            subsets:
            - {name: v1, labels: {version: v1}}
            - {name: v2, labels: {version: v2}}
            """),
        destinationRule(NS, "flaky", """
            host: flaky
            trafficPolicy:
              outlierDetection: {consecutive5xxErrors: 2, interval: 1s, baseEjectionTime: 300s, maxEjectionPercent: 100}
            """),
        destinationRule(NS, "busy", """
            host: busy
            trafficPolicy:
              connectionPool: {tcp: {maxConnections: 1}, http: {http1MaxPendingRequests: 1, maxRequestsPerConnection: 1}}
            """),
        destinationRule(NS, "secure", """
            host: secure
            trafficPolicy:
              tls: {mode: SIMPLE, caCertificates: %s, sni: %s, subjectAltNames: [%s]}
            """.formatted(caFile, secureHost, secureHost))));

    MeshDiscovery discovery = track(MeshDiscovery.start(TrafficFixture.withTraffic(registry, () -> traffic),
        MeshSettings.defaults(), PushSettings.defaults(), new InetSocketAddress("127.0.0.1", 0)));
    int entry = freePort();
    SidecarNode node = SidecarNode.of("client-7d9f8", NS, "127.0.0.1")
        .withInterceptionMode(SidecarNode.InterceptionMode.NONE);
    EnvoyProcess envoy = track(EnvoyProcess.start(EnvoyBootstrap.forSidecar(node)
        .withAds(mode, new InetSocketAddress("127.0.0.1", discovery.port()))
        .withStaticListener(entryListener(entry, discovery.currentContext()))).awaitLive());
    String reviewsHost = "reviews." + NS + ".svc.cluster.local";
    await().atMost(AT_MOST).until(() -> get(entry, "v2", Map.of()).contains("served-by"));

    // A subset cluster's endpoints are its labelled workloads only.
    Set<String> v2 = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      v2.add(servedBy(get(entry, "v2", Map.of())));
    }
    assertThat(v2).as(envoy::diagnostics).containsExactlyInAnyOrder("reviews-v2a", "reviews-v2b");
    assertThat(reviews.get(0).requestCount()).isZero();

    // The same hash key always reaches the same backend of the ring-hash cluster.
    Set<String> chosen = new HashSet<>();
    for (String user : List.of("alice", "bob", "carol", "dave")) {
      Set<String> servers = new HashSet<>();
      for (int i = 0; i < 25; i++) {
        servers.add(servedBy(get(entry, "hash", Map.of("x-user", user))));
      }
      assertThat(servers).as("backends of user %s", user).hasSize(1);
      chosen.addAll(servers);
    }
    assertThat(chosen).allMatch(name -> name.startsWith("reviews-"));

    // Outlier detection ejects the backend that answers 503, and only the healthy one serves then.
    String flakyHost = "flaky." + NS + ".svc.cluster.local";
    await().atMost(AT_MOST).until(() -> {
      get(PORT, flakyHost, Map.of());
      return statSum(envoy, "flaky.*outlier_detection\\.ejections_active") == 1;
    });
    int failedBefore = failing.requestCount();
    for (int i = 0; i < 20; i++) {
      assertThat(get(PORT, flakyHost, Map.of())).contains("200 ok", "served-by: flaky-ok");
    }
    assertThat(failing.requestCount()).isEqualTo(failedBefore);
    assertThat(healthy.requestCount()).isPositive();

    // One connection and one pending request: the rest overflow, counted by Envoy.
    String busyHost = "busy." + NS + ".svc.cluster.local";
    List<Future<String>> calls = new ArrayList<>();
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 6; i++) {
        calls.add(clients.submit(() -> get(PORT, busyHost, Map.of())));
      }
      await().atMost(AT_MOST).until(() -> statSum(envoy, "busy.*upstream_rq_pending_overflow") > 0);
      busy.release();
      List<String> answers = new ArrayList<>();
      for (Future<String> call : calls) {
        answers.add(call.get());
      }
      assertThat(answers).anySatisfy(a -> assertThat(a).contains("503"));
      assertThat(answers).anySatisfy(a -> assertThat(a).contains("served-by: busy-1"));
    }

    // TLS is originated to the backend, verified against the tests' CA and its subject alt name.
    assertThat(get(PORT, secureHost, Map.of())).as(envoy::diagnostics).contains("200 ok", "served-by: secure-1");
    assertThat(secure.requestCount()).isPositive();
    assertThat(statSum(envoy, "secure.*ssl\\.handshake")).isPositive();

    assertThat(envoy.configDump("resource=dynamic_active_clusters").toString())
        .contains("outbound|" + PORT + "|v1|" + reviewsHost, "outbound|" + PORT + "|v2|" + reviewsHost,
            "/apis/networking.istio.io/v1/namespaces/default/destination-rule/reviews");

    // A changed rule reaches Envoy with the next push: the dropped subset's cluster goes, the new one serves.
    List<IstioConfig<DestinationRule>> rules = new ArrayList<>(traffic.destinationRules());
    rules.replaceAll(rule -> !rule.name().equals("reviews") ? rule : destinationRule(NS, "reviews", """
        host: reviews
        subsets: [{name: v2, labels: {version: v2}}, {name: first, labels: {version: v1}}]
        """));
    traffic = TrafficFixture.rules(rules);
    discovery.requestFullPush();
    await().atMost(AT_MOST).until(() -> {
      String clusters = envoy.configDump("resource=dynamic_active_clusters").toString();
      return clusters.contains("outbound|" + PORT + "|first|" + reviewsHost)
          && !clusters.contains("outbound|" + PORT + "|v1|" + reviewsHost);
    });
    assertThat(envoy.stats("update_rejected")).as(envoy::diagnostics)
        .allSatisfy((name, value) -> assertThat(value).isZero());
  }

  /**
   * With outlier detection set, locality failover is on: Envoy sends everything to the endpoint in
   * its own locality, and to the other locality once that one is unhealthy.
   */
  @Test
  void envoyPrefersItsLocalityAndFailsOverWhenItsEndpointsAreUnhealthy() throws Exception {
    int workloadPort = freePort();
    track(HttpBackend.start("geo-east", "127.0.0.101", workloadPort));
    track(HttpBackend.start("geo-west", "127.0.0.102", workloadPort));
    Map<String, String> pods = Map.of("geo-east", "127.0.0.101", "geo-west", "127.0.0.102");
    Map<String, String> localities = Map.of("geo-east", "us-east1.a", "geo-west", "eu-west1.a");
    workload("geo", pods, workloadPort, localities, Set.of(), "v1");
    traffic = TrafficFixture.rules(List.of(destinationRule(NS, "geo", """
        host: geo
        trafficPolicy:
          outlierDetection: {consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s}
        """)));
    MeshDiscovery discovery = track(MeshDiscovery.start(TrafficFixture.withTraffic(registry, () -> traffic),
        MeshSettings.defaults(), PushSettings.defaults(), new InetSocketAddress("127.0.0.1", 0)));
    SidecarNode node = SidecarNode.of("client-east", NS, "127.0.0.1")
        .withLabels(Map.of("app", "client", "topology.istio.io/locality", "us-east1.a"))
        .withInterceptionMode(SidecarNode.InterceptionMode.NONE);
    EnvoyProcess envoy = track(EnvoyProcess.start(EnvoyBootstrap.forSidecar(node)
        .withAds(EnvoyBootstrap.AdsMode.DELTA, new InetSocketAddress("127.0.0.1", discovery.port())))
        .awaitLive());
    String geoHost = "geo." + NS + ".svc.cluster.local";
    await().atMost(AT_MOST).until(() -> get(PORT, geoHost, Map.of()).contains("served-by"));

    Set<String> local = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      local.add(servedBy(get(PORT, geoHost, Map.of())));
    }
    assertThat(local).as(envoy::diagnostics).containsExactly("geo-east");

    // the local endpoint turns not ready: it is sent UNHEALTHY, and its priority has no healthy host left
    workload("geo", pods, workloadPort, localities, Set.of("geo-east"), "v1");
    await().atMost(AT_MOST).until(() -> servedBy(get(PORT, geoHost, Map.of())).equals("geo-west"));
    Set<String> failedOver = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      failedOver.add(servedBy(get(PORT, geoHost, Map.of())));
    }
    assertThat(failedOver).as(envoy::diagnostics).containsExactly("geo-west");
    assertThat(envoy.stats("update_rejected")).as(envoy::diagnostics)
        .allSatisfy((name, value) -> assertThat(value).isZero());
  }

  /** Routes by Host: {@code v2} to the reviews v2 subset, {@code hash} to reviews with the rule's hash policy. */
  private static String entryListener(int port, PushContext push) throws Exception {
    Proxy client = MeshFixture.sidecar(NS, "127.0.0.1");
    var service = push.service(client, "reviews." + NS + ".svc.cluster.local").orElseThrow();
    String hash = JsonFormat.printer().preservingProtoFieldNames()
        .print(HashPolicies.forDestination(push, client, service, PORT, "").orElseThrow());
    String reviews = "outbound|" + PORT + "|%s|reviews." + NS + ".svc.cluster.local";
    return """
        {"name": "entry", "address": {"socket_address": {"address": "127.0.0.1", "port_value": %d}},
         "filter_chains": [{"filters": [{"name": "envoy.filters.network.http_connection_manager", "typed_config": {
           "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
           "stat_prefix": "entry",
           "route_config": {"name": "entry", "validate_clusters": false, "virtual_hosts": [
             {"name": "v2", "domains": ["v2"], "routes": [{"match": {"prefix": "/"}, "route": {"cluster": "%s"}}]},
             {"name": "hash", "domains": ["hash"], "routes": [{"match": {"prefix": "/"},
               "route": {"cluster": "%s", "hash_policy": [%s]}}]}]},
           "http_filters": [{"name": "envoy.filters.http.router", "typed_config": {
             "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"}}]}}]}]}
        """.formatted(port, reviews.formatted("v2"), reviews.formatted(""), hash);
  }

  private static long statSum(EnvoyProcess envoy, String regex) {
    return envoy.stats(regex).values().stream().mapToLong(Long::longValue).sum();
  }

  /** A Service on {@link #PORT}, its ready pods (name → IP, with these versions) and their slice. */
  private void workload(String app, Map<String, String> pods, int workloadPort, String... versions) {
    workload(app, pods, workloadPort, Map.of(), Set.of(), versions);
  }

  /**
   * A Service on {@link #PORT}, its pods (name → IP, with these versions and, where given, a
   * {@code topology.istio.io/locality} label) and their slice, where the {@code notReady} pods are not ready.
   */
  private void workload(String app, Map<String, String> pods, int workloadPort, Map<String, String> localities,
      Set<String> notReady, String... versions) {
    registry.upsert("test", new ServiceBuilder().withNewMetadata().withName(app).withNamespace(NS)
        .withCreationTimestamp("2026-11-01T09:00:00Z").endMetadata()
        .withNewSpec().withType("ClusterIP").withClusterIP("10.96.1." + (10 + app.length()))
        .withSelector(Map.of("app", app)).addNewPort().withName("http").withPort(PORT).endPort().endSpec().build());
    EndpointSliceBuilder slice = new EndpointSliceBuilder().withNewMetadata().withName(app + "-abc").withNamespace(NS)
        .withLabels(Map.of("kubernetes.io/service-name", app)).endMetadata()
        .withAddressType("IPv4").addNewPort().withName("http").withPort(workloadPort).endPort();
    int i = 0;
    for (var pod : new java.util.TreeMap<>(pods).entrySet()) {
      String version = versions[Math.min(i++, versions.length - 1)];
      Map<String, String> labels = new HashMap<>(Map.of("app", app, "version", version));
      if (localities.containsKey(pod.getKey())) {
        labels.put("topology.istio.io/locality", localities.get(pod.getKey()));
      }
      registry.upsert("test", new PodBuilder().withNewMetadata().withName(pod.getKey()).withNamespace(NS)
          .withLabels(labels).endMetadata()
          .withNewSpec().withServiceAccountName(app).endSpec()
          .withNewStatus().withPodIP(pod.getValue()).addNewPodIP(pod.getValue())
          .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build());
      slice.addToEndpoints(new EndpointBuilder().withAddresses(pod.getValue())
          .withNewConditions().withReady(!notReady.contains(pod.getKey())).endConditions()
          .withNewTargetRef().withKind("Pod").withName(pod.getKey()).withNamespace(NS).endTargetRef().build());
    }
    registry.upsert("test", slice.build());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  private static String servedBy(String response) {
    int at = response.indexOf("served-by: ");
    return at < 0 ? response : response.substring(at + "served-by: ".length()).lines().findFirst().orElse("").trim();
  }

  /** One HTTP/1.1 request to Envoy's 127.0.0.1:port; returns the raw response, lower case. */
  private static String get(int port, String host, Map<String, String> headers) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      StringBuilder request = new StringBuilder("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n");
      headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
      OutputStream out = socket.getOutputStream();
      out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
    }
  }
}
