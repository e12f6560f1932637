package io.meshpilot.conformance.peers;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * One control plane under comparison, running as its own process with its output in a log file:
 * its plaintext xDS port and its debug HTTP port (istiod's monitoring port, meshpilot's
 * {@code --http-port}). {@link #close()} stops it (SIGTERM, then SIGKILL).
 */
public final class ControlPlaneProcess implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration READY_WITHIN = Duration.ofMinutes(3);

  private final String name;
  private final Process process;
  private final Path log;
  private final int xdsPort;
  private final URI debug;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  private ControlPlaneProcess(String name, Process process, Path log, int xdsPort, URI debug) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.xdsPort = xdsPort;
    this.debug = debug;
  }

  /**
   * Starts {@code command} with {@code env} added to this JVM's environment (proxy variables removed:
   * everything is on loopback), its output appended to {@code log}.
   */
  static ControlPlaneProcess start(String name, List<String> command, Map<String, String> env, Path log,
      int xdsPort, int debugPort) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().keySet().removeIf(k -> k.toLowerCase(Locale.ROOT).endsWith("_proxy"));
    builder.environment().putAll(env);
    try {
      return new ControlPlaneProcess(name, builder.start(), log, xdsPort, URI.create("http://127.0.0.1:" + debugPort));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + " (" + command.get(0) + ")", e);
    }
  }

  public String name() {
    return name;
  }

  public int xdsPort() {
    return xdsPort;
  }

  public Path log() {
    return log;
  }

  /** Waits until {@code url} answers 200; fails at once, with the log's tail, if the process exits. */
  void awaitReady(URI url) {
    try {
      await(name + " ready at " + url).atMost(READY_WITHIN).pollInterval(Duration.ofMillis(250))
          .failFast(name + " exited", () -> !process.isAlive())
          .ignoreExceptions().until(() -> send(url).statusCode() == 200);
    } catch (TerminalFailureException | ConditionTimeoutException e) {
      throw new IllegalStateException(e.getMessage() + "; log " + log + ":\n" + logTail(), e);
    }
  }

  /** GET {@code pathAndQuery} on the debug port, as JSON; fails unless it answers 200. */
  public JsonNode debugJson(String pathAndQuery) {
    URI url = debug.resolve(pathAndQuery);
    try {
      HttpResponse<String> response = send(url);
      if (response.statusCode() != 200) {
        throw new IllegalStateException(name + " " + url + " answered " + response.statusCode() + ": "
            + response.body().strip());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(name + " " + url, e);
    }
  }

  /** The last lines of the process's log, for failure messages. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private HttpResponse<String> send(URI url) throws IOException {
    try {
      return http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
