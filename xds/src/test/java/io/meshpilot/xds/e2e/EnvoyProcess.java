package io.meshpilot.xds.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.meshpilot.xds.e2e.EnvoyBootstrap.AdminAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real Envoy started for one test, with helpers over its admin API. On the host its admin API is on
 * 127.0.0.1 (a free port, read from {@code --admin-address-path}); inside a {@link NetnsSandbox} it runs
 * as the proxy uid and its admin API is a pipe in the sandbox directory.
 *
 * <p>Envoy runs under {@code timeout}, so it stops by itself even if the test JVM dies; {@link #close()}
 * stops it at once. Its log ({@code -l warning}) is copied to {@code target/e2e-logs/} on close and is
 * part of every failure message from the waiting helpers.
 */
public final class EnvoyProcess implements AutoCloseable {

  /** The longest any test Envoy lives. */
  static final Duration MAX_LIFETIME = Duration.ofMinutes(10);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(5);
  private static final AtomicInteger COUNTER = new AtomicInteger();
  /** Every Envoy not yet closed, stopped at JVM exit whatever the tests did. */
  private static final Set<EnvoyProcess> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(RUNNING).forEach(EnvoyProcess::close),
        "envoy-cleanup"));
  }

  private final String label;
  private final Process process;
  private final Path workDir;
  private final Path logFile;
  private final Path stderrFile;
  private final AdminAddress admin;
  private final Path adminAddressFile;
  private volatile SocketAddress adminSocket;

  private EnvoyProcess(String label, Process process, Path workDir, AdminAddress admin) {
    this.label = label;
    this.process = process;
    this.workDir = workDir;
    this.logFile = workDir.resolve("envoy.log");
    this.stderrFile = workDir.resolve("envoy.stderr");
    this.admin = admin;
    this.adminAddressFile = workDir.resolve("admin-address");
  }

  /** Starts Envoy on the host and waits until its admin API answers (not until LIVE). */
  public static EnvoyProcess start(EnvoyBootstrap bootstrap) {
    Path workDir = createWorkDir(Path.of(System.getProperty("java.io.tmpdir")));
    return launch(bootstrap, workDir, EnvoyPeer.binary(), new AdminAddress.Loopback(), List.of());
  }

  /**
   * Starts Envoy inside {@code sandbox}'s network namespace as {@link NetnsSandbox#PROXY_UID}, the uid its
   * iptables rules exempt from interception, and waits until its admin API answers.
   */
  public static EnvoyProcess startIn(NetnsSandbox sandbox, EnvoyBootstrap bootstrap) {
    Path workDir = createWorkDir(sandbox.workDir());
    EnvoyProcess envoy = launch(bootstrap, workDir, EnvoyPeer.binaryForAnyUser(),
        new AdminAddress.Pipe(workDir.resolve("admin.sock")), sandbox.prefixAsProxyUser());
    sandbox.stopOnClose(envoy);
    return envoy;
  }

  private static EnvoyProcess launch(EnvoyBootstrap bootstrap, Path workDir, Path binary, AdminAddress admin,
      List<String> prefix) {
    String label = bootstrap.node().podName() + "-" + COUNTER.incrementAndGet();
    Path config = workDir.resolve("bootstrap.json");
    try {
      Files.writeString(config, EnvoyBootstrap.JSON.writerWithDefaultPrettyPrinter()
          .writeValueAsString(bootstrap.toJson(admin)));
      Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the Envoy bootstrap to " + config, e);
    }
    List<String> command = new ArrayList<>(List.of("timeout", "-k", "5", MAX_LIFETIME.toSeconds() + "s"));
    command.addAll(prefix);
    command.addAll(List.of(binary.toString(),
        "-c", config.toString(),
        "--disable-hot-restart",
        "--concurrency", "1",
        "-l", "warning",
        "--log-path", workDir.resolve("envoy.log").toString(),
        "--admin-address-path", workDir.resolve("admin-address").toString(),
        "--drain-time-s", "1"));
    Process process;
    try {
      process = new ProcessBuilder(command)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(workDir.resolve("envoy.stdout").toFile())
          .redirectError(workDir.resolve("envoy.stderr").toFile())
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start `" + String.join(" ", command) + "`", e);
    }
    EnvoyProcess envoy = new EnvoyProcess(label, process, workDir, admin);
    RUNNING.add(envoy);
    try {
      envoy.awaitAdmin();
    } catch (RuntimeException | Error e) {
      envoy.close();
      throw e;
    }
    return envoy;
  }

  private static Path createWorkDir(Path parent) {
    try {
      Path dir = Files.createTempDirectory(parent, "envoy-");
      // Envoy may run as the proxy uid and must create its log and admin socket here
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for Envoy under " + parent, e);
    }
  }

  private void awaitAdmin() {
    awaitOrFail(Duration.ofSeconds(20), "Envoy's admin API to answer", () -> {
      ensureRunning();
      if (adminSocket == null) {
        adminSocket = resolveAdminSocket().orElse(null);
      }
      if (adminSocket == null) {
        return false;
      }
      try {
        return admin("/ready").status() > 0;
      } catch (IOException e) {
        return false;
      }
    });
  }

  private Optional<SocketAddress> resolveAdminSocket() throws IOException {
    return switch (admin) {
      case AdminAddress.Pipe pipe -> Files.exists(pipe.path())
          ? Optional.of(UnixDomainSocketAddress.of(pipe.path())) : Optional.empty();
      case AdminAddress.Loopback loopback -> {
        if (!Files.exists(adminAddressFile)) {
          yield Optional.empty();
        }
        String text = Files.readString(adminAddressFile).strip();
        int colon = text.lastIndexOf(':');
        yield colon < 0 ? Optional.empty()
            : Optional.of(new InetSocketAddress(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1))));
      }
    };
  }

  /** The admin API's address (TCP or Unix socket). */
  public SocketAddress adminAddress() {
    return adminSocket;
  }

  /** GET on the admin API; the path includes any query. */
  public RawHttp.Response admin(String pathAndQuery) throws IOException {
    return RawHttp.get(adminSocket, "envoy-admin", pathAndQuery, ADMIN_TIMEOUT);
  }

  private String adminBody(String pathAndQuery) {
    try {
      RawHttp.Response response = admin(pathAndQuery);
      if (response.status() != 200) {
        throw new IllegalStateException("Envoy admin " + pathAndQuery + " answered " + response.status() + ": "
            + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException("Envoy admin " + pathAndQuery + " failed (" + label + "): " + e.getMessage()
          + diagnosticsSuffix(), e);
    }
  }

  private JsonNode adminJson(String pathAndQuery) {
    try {
      return EnvoyBootstrap.JSON.readTree(adminBody(pathAndQuery));
    } catch (IOException e) {
      throw new UncheckedIOException("Envoy admin " + pathAndQuery + " is not JSON", e);
    }
  }

  /** Envoy's server state from {@code /ready}: LIVE, PRE_INITIALIZING, INITIALIZING, DRAINING. */
  public String ready() {
    try {
      return admin("/ready").body().strip();
    } catch (IOException e) {
      throw new UncheckedIOException("Envoy admin /ready failed: " + e.getMessage() + diagnosticsSuffix(), e);
    }
  }

  /** Waits (at most 30 s) for {@code /ready} to say LIVE; fails with Envoy's log if it does not. */
  /**
   * Freezes Envoy (SIGSTOP): it keeps its connections but reads and ACKs nothing, so a test can
   * observe config that was sent but not yet acknowledged. {@link #resume()} undoes it.
   */
  public void pause() {
    signal("STOP");
  }

  /** Lets a {@link #pause() paused} Envoy run again (SIGCONT). */
  public void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    List<Long> pids = new java.util.ArrayList<>();
    pids.add(process.pid());
    process.descendants().forEach(p -> pids.add(p.pid()));
    for (long pid : pids) {
      try {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).redirectErrorStream(true).start();
        kill.getInputStream().readAllBytes();
        kill.waitFor();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  public EnvoyProcess awaitLive() {
    return awaitLive(Duration.ofSeconds(30));
  }

  /**
   * Waits at most {@code timeout} for LIVE; fails early if Envoy exits. On failure Envoy is stopped:
   * called as {@code try (var envoy = EnvoyProcess.start(b).awaitLive())} the resource is never
   * assigned, so nothing else would close it.
   */
  public EnvoyProcess awaitLive(Duration timeout) {
    try {
      awaitOrFail(timeout, "Envoy to be LIVE", () -> {
        ensureRunning();
        return "LIVE".equals(ready());
      });
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
    return this;
  }

  /** One counter or gauge from {@code /stats}; fails when Envoy has no stat of that name. */
  public long stat(String name) {
    Long value = stats("^" + name.replaceAll("([\\\\.^$|?*+()\\[\\]{}])", "\\\\$1") + "$").get(name);
    if (value == null) {
      throw new IllegalStateException("Envoy has no stat " + name);
    }
    return value;
  }

  /** Counters and gauges whose name matches {@code regex} (Envoy's {@code /stats?filter=}). */
  public Map<String, Long> stats(String regex) {
    JsonNode stats = adminJson("/stats?format=json&filter=" + URLEncoder.encode(regex, StandardCharsets.UTF_8))
        .path("stats");
    Map<String, Long> values = new LinkedHashMap<>();
    for (JsonNode stat : stats) {
      if (stat.has("name") && stat.has("value")) {
        values.put(stat.get("name").asText(), stat.get("value").asLong());
      }
    }
    return values;
  }

  /** {@code /config_dump} with an optional query such as {@code resource=dynamic_active_clusters}. */
  public JsonNode configDump(String query) {
    return adminJson(query == null || query.isEmpty() ? "/config_dump" : "/config_dump?" + query);
  }

  /** {@code /clusters?format=json}. */
  public JsonNode clusters() {
    return adminJson("/clusters?format=json");
  }

  /** {@code /listeners?format=json}. */
  public JsonNode listeners() {
    return adminJson("/listeners?format=json");
  }

  /** The port a listener is bound to (useful for listeners configured with port 0). */
  public int listenerPort(String listenerName) {
    for (JsonNode listener : listeners().path("listener_statuses")) {
      if (listenerName.equals(listener.path("name").asText())) {
        return listener.path("local_address").path("socket_address").path("port_value").asInt();
      }
    }
    throw new IllegalStateException("Envoy has no listener " + listenerName + ": " + listeners());
  }

  /** Envoy's log so far (plus its stderr). */
  public String log() {
    StringBuilder text = new StringBuilder();
    for (Path file : List.of(logFile, stderrFile)) {
      try {
        if (Files.exists(file)) {
          text.append(Files.readString(file));
        }
      } catch (IOException e) {
        text.append("(cannot read ").append(file).append(": ").append(e.getMessage()).append(")\n");
      }
    }
    return text.toString();
  }

  /** A description for failure messages: state and the end of the log. */
  public String diagnostics() {
    String log = log();
    String tail = log.length() > 4000 ? "..." + log.substring(log.length() - 4000) : log;
    return "Envoy " + label + " (" + (process.isAlive() ? "running" : "exited with " + process.exitValue())
        + ", dir " + workDir + ")" + xdsStats() + " log:\n" + tail;
  }

  private String xdsStats() {
    if (!process.isAlive() || adminSocket == null) {
      return "";
    }
    try {
      return " xDS stats " + stats("^(control_plane\\.connected_state|cluster_manager\\.cds\\.update_"
          + "|listener_manager\\.lds\\.update_|server\\.state)");
    } catch (RuntimeException e) {
      return " (no stats: " + e.getMessage() + ")";
    }
  }

  private String diagnosticsSuffix() {
    return "\n" + diagnostics();
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  private void ensureRunning() {
    if (!process.isAlive()) {
      throw new IllegalStateException("Envoy exited with code " + process.exitValue() + diagnosticsSuffix());
    }
  }

  private void awaitOrFail(Duration timeout, String what, java.util.concurrent.Callable<Boolean> condition) {
    try {
      await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50)).until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("timed out after " + timeout + " waiting for " + what + diagnosticsSuffix(), e);
    }
  }

  @Override
  public void close() {
    if (!RUNNING.remove(this)) {
      return; // already closed
    }
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    keepLog();
    deleteRecursively(workDir);
  }

  private void keepLog() {
    Path logs = Path.of("target", "e2e-logs");
    try {
      if (Files.isDirectory(Path.of("target")) && Files.exists(logFile)) {
        Files.createDirectories(logs);
        Files.writeString(logs.resolve("envoy-" + label + ".log"), log());
      }
    } catch (IOException e) {
      // only a convenience
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.deleteIfExists(path);
        } catch (IOException e) {
          // best effort
        }
      });
    } catch (IOException e) {
      // best effort
    }
  }
}
