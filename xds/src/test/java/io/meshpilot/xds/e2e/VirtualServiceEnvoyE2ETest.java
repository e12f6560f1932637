package io.meshpilot.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshpilot.xds.traffic.TrafficYaml;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * VirtualService routes through real Envoy (INTERCEPTION_MODE NONE, SotW and Delta ADS): a weighted
 * split, a header match, retries, a timeout, fault abort and delay, redirect, rewrite, mirroring and
 * a weighted TCP route, each observed at the client, the backends or Envoy's counters; then a
 * VirtualService change moves traffic. Two plain services (reviews, ratings) are the destinations;
 * {@link HeaderToSubsetE2ETest} routes to DestinationRule subsets.
 */
@Timeout(300)
class VirtualServiceEnvoyE2ETest {
  private static final String REVIEWS = "reviews.default.svc.cluster.local";
  private static final Duration AT_MOST = Duration.ofSeconds(20);
  private static final InetSocketAddress ENVOY_9080 = new InetSocketAddress("127.0.0.1", 9080);

  private static final String ROUTES = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews, namespace: default}
      spec:
        hosts: [reviews]
        http:
        - name: jason
          match:
          - headers:
              end-user: {exact: jason}
          route:
          - destination: {host: ratings}
        - name: retry
          match:
          - uri: {prefix: /fail-first}
          retries: {attempts: 2, retryOn: "503"}
          route:
          - destination: {host: reviews}
        - name: no-retry
          match:
          - uri: {prefix: /fail-once}
          retries: {attempts: 0}
          rewrite: {uri: /fail-first}
          route:
          - destination: {host: reviews}
        - name: timeout
          match:
          - uri: {prefix: /hang}
          timeout: 0.3s
          route:
          - destination: {host: reviews}
        - name: abort
          match:
          - uri: {prefix: /abort}
          fault:
            abort: {httpStatus: 418, percentage: {value: 100}}
          route:
          - destination: {host: reviews}
        - name: delay
          match:
          - uri: {prefix: /delay}
          fault:
            delay: {fixedDelay: 10ms, percentage: {value: 100}}
          route:
          - destination: {host: reviews}
        - name: redirect
          match:
          - uri: {prefix: /old}
          redirect: {uri: /new, authority: new.example.com}
        - name: rewrite
          match:
          - uri: {prefix: /legacy}
          rewrite: {uri: /modern, authority: backend.example.com}
          route:
          - destination: {host: reviews}
        - name: mirror
          match:
          - uri: {prefix: /mirror}
          mirror: {host: ratings}
          route:
          - destination: {host: reviews}
        - name: split
          route:
          - destination: {host: reviews}
            weight: %d
          - destination: {host: ratings}
            weight: %d
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: echo, namespace: default}
      spec:
        hosts: [echo-a]
        tcp:
        - route:
          - destination: {host: echo-a}
            weight: 50
          - destination: {host: echo-b}
            weight: 50
      """;

  private final EnvoyMesh mesh = new EnvoyMesh();

  @AfterEach
  void closeAll() throws Exception {
    mesh.close();
  }

  @ParameterizedTest
  @EnumSource(EnvoyBootstrap.AdsMode.class)
  void virtualServiceRoutesAreWhatEnvoyDoes(EnvoyBootstrap.AdsMode mode) throws Exception {
    int workloadPort = EnvoyMesh.freePort("127.0.0.11");
    HttpBackend reviews = mesh.track(HttpBackend.start("reviews-v1", "127.0.0.11", workloadPort));
    HttpBackend ratings = mesh.track(HttpBackend.start("ratings-v1", "127.0.0.12", workloadPort));
    workload("reviews", "10.96.0.12", "127.0.0.11", "http", 9080, workloadPort);
    workload("ratings", "10.96.0.13", "127.0.0.12", "http", 9080, workloadPort);
    mesh.track(TcpEchoBackend.start("echo-a-v1", "127.0.0.31", workloadPort));
    mesh.track(TcpEchoBackend.start("echo-b-v1", "127.0.0.32", workloadPort));
    workload("echo-a", "10.96.0.31", "127.0.0.31", "tcp-echo", 9090, workloadPort);
    workload("echo-b", "10.96.0.32", "127.0.0.32", "tcp-echo", 9091, workloadPort);
    mesh.traffic(TrafficYaml.virtualServices(ROUTES.formatted(80, 20)));

    SidecarNode node = SidecarNode.of("productpage-v1-7d9f8", "default", "127.0.0.1")
        .withLabels(Map.of("app", "productpage"));
    EnvoyProcess envoy = mesh.sidecar(node, mode);
    await().atMost(AT_MOST).ignoreExceptions().until(() -> get("/", Map.of()).status() == 200);

    // 80/20 split over 1,000 requests: within 5 points of 80
    Map<String, Integer> servedBy = new HashMap<>();
    for (int i = 0; i < 1000; i++) {
      servedBy.merge(get("/", Map.of()).headers().get(HttpBackend.SERVED_BY_HEADER), 1, Integer::sum);
    }
    assertThat(servedBy.getOrDefault("reviews-v1", 0)).as("%s", servedBy).isBetween(750, 850);
    assertThat(servedBy.getOrDefault("reviews-v1", 0) + servedBy.getOrDefault("ratings-v1", 0)).isEqualTo(1000);

    // a header match goes elsewhere
    for (int i = 0; i < 20; i++) {
      assertThat(get("/", Map.of("end-user", "jason")).headers()).containsEntry(HttpBackend.SERVED_BY_HEADER,
          "ratings-v1");
    }

    // the backend's first attempt answers 503: with retries the client sees 200, without it sees 503
    assertThat(get("/fail-first", Map.of()).status()).isEqualTo(200);
    assertThat(get("/fail-once", Map.of()).status()).isEqualTo(503);

    // the route timeout answers 504 while the backend still hangs
    assertThat(get("/hang", Map.of()).status()).isEqualTo(504);

    // faults: the abort never reaches the backend; the delay is counted by Envoy's fault filter
    int reviewsBefore = reviews.requestCount();
    assertThat(get("/abort", Map.of()).status()).isEqualTo(418);
    assertThat(reviews.requestCount()).isEqualTo(reviewsBefore);
    assertThat(get("/delay", Map.of()).status()).isEqualTo(200);
    assertThat(faultStat(envoy, "aborts_injected")).isEqualTo(1);
    assertThat(faultStat(envoy, "delays_injected")).isEqualTo(1);

    // redirect answered by Envoy; rewrite seen by the backend
    RawHttp.Response redirect = get("/old/page", Map.of());
    assertThat(redirect.status()).isEqualTo(301);
    assertThat(redirect.headers().get("location")).isEqualTo("http://new.example.com/new");
    RawHttp.Response rewritten = get("/legacy/items?x=1", Map.of());
    assertThat(rewritten.headers()).containsEntry(HttpBackend.SEEN_PATH_HEADER, "/modern/items")
        .containsEntry(HttpBackend.SEEN_HOST_HEADER, "backend.example.com");

    // a mirrored request reaches the second backend too (its answer is dropped)
    int ratingsBefore = ratings.requestCount();
    assertThat(get("/mirror", Map.of()).headers()).containsEntry(HttpBackend.SERVED_BY_HEADER, "reviews-v1");
    await().atMost(AT_MOST).until(() -> ratings.requestCount() == ratingsBefore + 1);

    // a weighted TCP route: connections to echo-a's listener reach both services
    java.util.Set<String> echoedBy = new java.util.HashSet<>();
    for (int i = 0; i < 60 && echoedBy.size() < 2; i++) {
      echoedBy.add(TcpEchoBackend.call(new InetSocketAddress("127.0.0.1", 9090), "ping", Duration.ofSeconds(5))
          .servedBy());
    }
    assertThat(echoedBy).containsExactlyInAnyOrder("echo-a-v1", "echo-b-v1");

    // a VirtualService change is pushed: all traffic of the split moves to ratings
    mesh.traffic(TrafficYaml.virtualServices(ROUTES.formatted(0, 100)));
    // 20 in a row from ratings: under the old 80/20 split that happens once in 10^14 tries
    await().atMost(AT_MOST).until(() -> allServedBy("ratings-v1", 20));

    assertThat(envoy.stats("update_rejected")).as(envoy::diagnostics)
        .allSatisfy((name, value) -> assertThat(value).isZero());
    assertThat(envoy.configDump("").toString())
        .contains("/apis/networking.istio.io/v1/namespaces/default/virtual-service/reviews");
  }

  private static boolean allServedBy(String backend, int requests) throws IOException {
    for (int i = 0; i < requests; i++) {
      if (!backend.equals(get("/", Map.of()).headers().get(HttpBackend.SERVED_BY_HEADER))) {
        return false;
      }
    }
    return true;
  }

  private static long faultStat(EnvoyProcess envoy, String suffix) {
    return envoy.stats("fault\\." + suffix + "$").values().stream().mapToLong(Long::longValue).sum();
  }

  private static RawHttp.Response get(String path, Map<String, String> headers) throws IOException {
    return RawHttp.get(ENVOY_9080, REVIEWS, path, headers, Duration.ofSeconds(10));
  }

  /** One service with one v1 pod, as the two plain services of this test. */
  private void workload(String name, String clusterIp, String podIp, String portName, int servicePort, int port) {
    mesh.workload(name, clusterIp, portName, servicePort, port, List.of(new EnvoyMesh.Pod(name + "-v1", podIp, "v1")));
  }
}
