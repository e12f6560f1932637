package io.meshpilot.loadtest.measure;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The meshpilot server the load test starts: {@code java [opts] -jar meshpilot.jar server ...} bound
 * to 127.0.0.1 on the given ports, its output in a log file. Closing it ends the process (and only
 * it).
 */
public final class ServerProcess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServerProcess.class);

  private final Process process;
  private final int httpPort;
  private final Thread killOnExit;

  private ServerProcess(Process process, int httpPort) {
    this.process = process;
    this.httpPort = httpPort;
    // an interrupted load test (Ctrl-C) must not leave its server running
    this.killOnExit = new Thread(process::destroyForcibly, "loadtest-server-kill");
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  /**
   * Starts the server.
   *
   * @param java the java binary to run it with
   * @param jvmOptions options for the server JVM (empty: the JVM's defaults)
   * @param sourceArgs where it reads the mesh from ({@code --config-dir DIR} or {@code --kubeconfig F})
   * @param logFile where its stdout and stderr go
   */
  public static ServerProcess start(Path java, List<String> jvmOptions, Path jar, List<String> sourceArgs,
      int grpcPort, int httpPort, Path logFile) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar.toString(), "server"));
    command.addAll(sourceArgs);
    command.addAll(List.of("--bind-address", "127.0.0.1", "--grpc-port", Integer.toString(grpcPort),
        "--http-port", Integer.toString(httpPort)));
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile())).start();
    log.info("started meshpilot (pid {}), log in {}: {}", process.pid(), logFile, String.join(" ", command));
    return new ServerProcess(process, httpPort);
  }

  public long pid() {
    return process.pid();
  }

  /** Polls {@code /ready} until it answers 200; false if the timeout passes or the process exits. */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/ready"))
        .timeout(Duration.ofSeconds(5)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && process.isAlive()) {
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return true;
        }
      } catch (IOException e) {
        // not listening yet
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    return false;
  }

  /** {@code running}, or how it ended (an OutOfMemoryError shows up here and in its log). */
  public String state() {
    return process.isAlive() ? "running" : "exited with code " + process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs anyway
    }
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    log.info("meshpilot (pid {}) stopped, exit code {}", process.pid(), process.isAlive() ? "-" : process.exitValue());
  }
}
