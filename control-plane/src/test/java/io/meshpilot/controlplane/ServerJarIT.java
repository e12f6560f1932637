package io.meshpilot.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's path, end to end: the packaged {@code meshpilot.jar} runs {@code server} on a copy of
 * {@code examples/}, serves registryz on its HTTP port, and follows an edit of a config file.
 */
class ServerJarIT {
  private static final Path JAR = Path.of("target/meshpilot.jar");
  private static final Path EXAMPLES = Path.of("../examples");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path configDir;
  @TempDir Path logDir;
  private final HttpClient http = HttpClient.newHttpClient();
  private Process server;
  private int port;

  @BeforeEach
  void startServer() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      for (Path file : files.toList()) {
        Files.copy(file, configDir.resolve(file.getFileName()));
      }
    }
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    server = new ProcessBuilder(java, "-jar", JAR.toString(), "server", "--config-dir", configDir.toString(),
        "--http-port", String.valueOf(port), "--bind-address", "127.0.0.1")
        .redirectErrorStream(true)
        .redirectOutput(logDir.resolve("server.log").toFile())
        .start();
  }

  @AfterEach
  void stopServer() throws Exception {
    server.destroy();
    if (!server.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      server.destroyForcibly();
    }
    System.out.println("---- server log ----\n" + Files.readString(logDir.resolve("server.log")));
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private List<String> hostnames() throws IOException, InterruptedException {
    JsonNode services = JSON.readTree(get("/debug/registryz").body());
    List<String> hostnames = new ArrayList<>();
    services.forEach(s -> hostnames.add(s.get("hostname").asText()));
    return hostnames;
  }

  private boolean ready() {
    try {
      return get("/ready").statusCode() == 200;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  @Test
  void servesTheExampleMeshAndFollowsAnEditedFile() throws Exception {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(this::ready);

    assertThat(hostnames()).containsExactly(
        "details.default.svc.cluster.local",
        "mysqldb.default.svc.cluster.local",
        "productpage.default.svc.cluster.local",
        "ratings.default.svc.cluster.local",
        "reviews.default.svc.cluster.local",
        "api.example.com",
        "httpbin.example.org",
        "*.wikipedia.org",
        "db.partner.example",
        "legacy.corp.internal");
    assertThat(get("/debug/rejectedz").body()).isEqualTo("[]");
    assertThat(get("/version").body()).isNotBlank();

    Path services = configDir.resolve("bookinfo-services.yaml");
    Files.writeString(services, Files.readString(services).replace("name: ratings", "name: ratings-v2"));
    long edited = System.nanoTime();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> hostnames().contains("ratings-v2.default.svc.cluster.local"));
    System.out.printf("config-dir edit visible in registryz after %d ms%n", (System.nanoTime() - edited) / 1_000_000);
    assertThat(hostnames()).doesNotContain("ratings.default.svc.cluster.local");
  }
}
