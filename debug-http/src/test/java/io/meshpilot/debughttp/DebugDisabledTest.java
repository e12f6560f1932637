package io.meshpilot.debughttp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code ENABLE_DEBUG_ON_HTTP=false}: no debug endpoint answers, the probes and metrics still do. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DebugDisabledTest {
  private final HttpClient client = HttpClient.newHttpClient();
  private DebugHttpServer server;

  @BeforeAll
  void start() {
    DebugHttpOptions options = DebugHttpOptions.fromEnvironment("127.0.0.1", 0, "v", Optional.empty(), "istio-system",
        Map.of("ENABLE_DEBUG_ON_HTTP", "false"));
    server = DebugHttpServer.start(options, DebugSources.of(new FakeServiceRegistry()));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void everyDebugPathIs404EvenFromLoopback() throws Exception {
    for (String path : List.of("/debug/registryz", "/debug/syncz", "/debug/list", "/debug/config_dump?proxyID=x",
        "/debug/endpointz")) {
      assertThat(status(path)).as(path).isEqualTo(404);
    }
  }

  @Test
  void readyVersionAndMetricsStay() throws Exception {
    assertThat(status("/ready")).isEqualTo(200);
    assertThat(status("/version")).isEqualTo(200);
    assertThat(status("/metrics")).isEqualTo(200);
  }

  private int status(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
