package io.meshpilot.debughttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.Rejection;
import io.meshpilot.xds.conflict.Conflict;
import io.meshpilot.xds.conflict.GeneratedResource;
import io.meshpilot.xds.conflict.GenerationConflicts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DebugHttpServerTest {
  private final FakeServiceRegistry registry = new FakeServiceRegistry();
  private final HttpClient client = HttpClient.newHttpClient();
  private DebugHttpServer server;

  @BeforeAll
  void startServer() {
    server = DebugHttpServer.start(new DebugHttpOptions("127.0.0.1", 0, "0.1.0-test"), DebugSources.of(registry));
  }

  @AfterAll
  void stopServer() {
    server.close();
  }

  @BeforeEach
  void resetRegistry() {
    registry.setServices(List.of(TestServices.reviews(), TestServices.externalApi()));
    registry.setRejections(List.of());
    registry.setPendingSources(List.of());
    registry.setRejectionCounts(Map.of());
  }

  @Test
  void metricsArePrometheusTextWithServiceCountRejectionCounterAndJvmMetrics() throws Exception {
    registry.setRejectionCounts(Map.of("ServiceEntry", 3L));
    HttpResponse<String> first = get("/metrics");
    registry.setRejectionCounts(Map.of("ServiceEntry", 5L, "File", 1L));
    String second = get("/metrics").body();

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("content-type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("text/plain"));
    assertThat(first.body().lines())
        .contains("# TYPE pilot_services gauge", "pilot_services 2.0",
            "# TYPE meshpilot_rejected_objects_total counter",
            "meshpilot_rejected_objects_total{kind=\"ServiceEntry\"} 3.0")
        .anySatisfy(line -> assertThat(line).startsWith("jvm_memory_used_bytes{"));
    assertThat(second.lines()).contains(
        "meshpilot_rejected_objects_total{kind=\"ServiceEntry\"} 5.0",
        "meshpilot_rejected_objects_total{kind=\"File\"} 1.0");
  }

  @Test
  void boundToARealPortWhenAskedForPortZero() {
    assertThat(server.port()).isPositive();
  }

  @Test
  void registryzIsCompactJsonByDefault() throws Exception {
    HttpResponse<String> response = get("/debug/registryz");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("application/json"));
    assertThat(response.body()).isEqualTo(RegistryzJsonTest.golden("example-compact.json"));
  }

  @Test
  void registryzPrettyFlagNeedsNoValue() throws Exception {
    assertThat(get("/debug/registryz?pretty").body()).isEqualTo(RegistryzJsonTest.golden("example-pretty.json"));
    assertThat(get("/debug/registryz?pretty=false").body())
        .isEqualTo(RegistryzJsonTest.golden("example-pretty.json"));
  }

  @Test
  void registryzFiltersByRegistryNamespaceAndHostname() throws Exception {
    String kubernetesOnly = get("/debug/registryz?registry=kubernetes").body();
    String externalOnly = get("/debug/registryz?registry=External&namespace=default").body();
    String byHost = get("/debug/registryz?hostname=*.svc.cluster.local").body();
    String otherNamespace = get("/debug/registryz?namespace=prod").body();

    assertThat(kubernetesOnly).isEqualTo(RegistryzJson.write(List.of(TestServices.reviews()), false));
    assertThat(externalOnly).isEqualTo(RegistryzJson.write(List.of(TestServices.externalApi()), false));
    assertThat(byHost).isEqualTo(kubernetesOnly);
    assertThat(otherNamespace).isEqualTo("[]");
  }

  @Test
  void emptyRegistryGivesEmptyArray() throws Exception {
    registry.setServices(List.of());

    assertThat(get("/debug/registryz").body()).isEqualTo("[]");
  }

  @Test
  void readyIs503NamingPendingSourcesUntilSynced() throws Exception {
    registry.setPendingSources(List.of("kubernetes", "file:/etc/meshpilot"));

    HttpResponse<String> notReady = get("/ready");
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(notReady.body()).contains("kubernetes", "file:/etc/meshpilot");

    registry.setPendingSources(List.of());

    HttpResponse<String> ready = get("/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEmpty();
  }

  @Test
  void versionIsPlainText() throws Exception {
    HttpResponse<String> response = get("/version");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("text/plain"));
    assertThat(response.body()).isEqualTo("0.1.0-test");
  }

  @Test
  void rejectedzListsRejectedObjects() throws Exception {
    registry.setRejections(List.of(new Rejection(new ObjectKey("ServiceEntry", "default", "bad-se"),
        "kubernetes", "spec.hosts: at least one host is required", Instant.parse("2024-05-01T10:20:30.25Z"))));

    HttpResponse<String> response = get("/debug/rejectedz");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(
        "[{\"object\":{\"kind\":\"ServiceEntry\",\"namespace\":\"default\",\"name\":\"bad-se\"},"
            + "\"source\":\"kubernetes\",\"reason\":\"spec.hosts: at least one host is required\","
            + "\"since\":\"2024-05-01T10:20:30.25Z\"}]");
  }

  @Test
  void rejectedzSupportsPretty() throws Exception {
    registry.setRejections(List.of(new Rejection(new ObjectKey("Service", "prod", "web"),
        "file:/cfg/web.yaml", "bad <port>", Instant.parse("2024-05-01T10:20:30Z"))));

    assertThat(get("/debug/rejectedz?pretty").body()).isEqualTo("""
        [
            {
                "object": {
                    "kind": "Service",
                    "namespace": "prod",
                    "name": "web"
                },
                "source": "file:/cfg/web.yaml",
                "reason": "bad \\u003cport\\u003e",
                "since": "2024-05-01T10:20:30Z"
            }
        ]""");
  }

  @Test
  void rejectedzListsConflictLosersFromConfigGenerationAfterTheRegistrysRejections() throws Exception {
    registry.setRejections(List.of(new Rejection(new ObjectKey("ServiceEntry", "default", "bad-se"),
        "kubernetes", "spec.hosts: at least one host is required", Instant.parse("2024-05-01T10:20:30.25Z"))));
    GenerationConflicts conflicts = GenerationConflicts.shared();
    conflicts.clear(); // process-wide: start from nothing
    conflicts.replace(new GeneratedResource("RDS", "80", "default"),
        Set.of(new Conflict(new ObjectKey("ServiceEntry", "default", "api-lower"),
            "route 80: domain api.example.com already served by ServiceEntry default/api-upper (Api.example.com)")));
    try {
      String body = get("/debug/rejectedz").body();

      assertThat(body).startsWith("[{\"object\":{\"kind\":\"ServiceEntry\",\"namespace\":\"default\",\"name\":\"api-lower\"},"
          + "\"source\":\"xds\",\"reason\":\"route 80: domain api.example.com already served by ServiceEntry"
          + " default/api-upper (Api.example.com)\",\"since\":\"");
      assertThat(body).contains("\"name\":\"bad-se\"");
      assertThat(get("/metrics").body().lines()).contains("# TYPE meshpilot_config_conflicts gauge",
          "meshpilot_config_conflicts 1.0");
    } finally {
      conflicts.clear();
    }
  }

  @Test
  void configzIsAJsonArrayOfTheHeldConfigs() throws Exception {
    HttpResponse<String> response = get("/debug/configz");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    assertThat(response.body()).isEqualTo("[]");
  }

  @Test
  void rejectedzIsEmptyArrayWhenNothingIsRejected() throws Exception {
    assertThat(get("/debug/rejectedz").body()).isEqualTo("[]");
  }

  @Test
  void debugListNamesTheRegisteredDebugEndpointsSorted() throws Exception {
    HttpResponse<String> response = get("/debug/list");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("[\"adsz\",\"config_dump\",\"configz\",\"endpointShardz\",\"endpointz\","
        + "\"push_status\",\"registryz\",\"rejectedz\",\"sidecarz\",\"syncz\",\"why\"]");
  }

  @Test
  void withoutDiscoveryTheProxyViewsAreEmptyAndNoProxyIsConnected() throws Exception {
    assertThat(get("/debug/syncz").body()).isEqualTo("[]");
    assertThat(get("/debug/adsz").body()).isEqualTo("{\"totalClients\":0}");
    assertThat(get("/debug/config_dump?proxyID=x").statusCode()).isEqualTo(404);
  }

  @Test
  void unknownPathIs404() throws Exception {
    assertThat(get("/debug/nope").statusCode()).isEqualTo(404);
  }

  private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery)).build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
