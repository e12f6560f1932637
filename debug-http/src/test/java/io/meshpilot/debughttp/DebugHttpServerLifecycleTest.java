package io.meshpilot.debughttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class DebugHttpServerLifecycleTest {
  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void startFailsWhenThePortIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      DebugHttpOptions options = new DebugHttpOptions("127.0.0.1", taken.getLocalPort(), "v");

      assertThatThrownBy(() -> DebugHttpServer.start(options, DebugSources.of(new FakeServiceRegistry())))
          .isInstanceOf(RuntimeException.class)
          .hasMessageContaining(String.valueOf(taken.getLocalPort()));
    }
  }

  @Test
  void closeReleasesThePort() throws Exception {
    DebugHttpServer server = DebugHttpServer.start(new DebugHttpOptions("127.0.0.1", 0, "v"), DebugSources.of(new FakeServiceRegistry()));
    URI version = URI.create("http://127.0.0.1:" + server.port() + "/version");
    assertThat(client.send(HttpRequest.newBuilder(version).build(), HttpResponse.BodyHandlers.ofString()).body())
        .isEqualTo("v");

    int port = server.port();
    server.close();

    // The port can be bound again once Netty has closed its listener, which it does asynchronously
    // (a request would be ambiguous: a pooled keep-alive connection fails differently).
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> bindable(port));
  }

  private static boolean bindable(int port) {
    try (java.net.ServerSocket rebound = new java.net.ServerSocket()) {
      rebound.setReuseAddress(true);
      rebound.bind(new java.net.InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
