package io.meshpilot.loadtest;

import io.meshpilot.loadtest.client.Backoff;
import io.meshpilot.loadtest.client.FleetSettings;
import io.meshpilot.loadtest.client.ProxyView;
import io.meshpilot.loadtest.client.SidecarFleet;
import io.meshpilot.loadtest.client.ViewWatch;
import io.meshpilot.loadtest.mesh.FileMeshStore;
import io.meshpilot.loadtest.mesh.GeneratedMesh;
import io.meshpilot.loadtest.mesh.KubeMeshStore;
import io.meshpilot.loadtest.mesh.MeshAddresses;
import io.meshpilot.loadtest.mesh.MeshStore;
import io.meshpilot.loadtest.measure.Distribution;
import io.meshpilot.loadtest.measure.LoadTestReport;
import io.meshpilot.loadtest.measure.PhaseResult;
import io.meshpilot.loadtest.measure.ProcessProbe;
import io.meshpilot.loadtest.measure.ServerProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.IntToLongFunction;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One load test run: writes the mesh, starts the server (unless one is given), connects the fleet,
 * runs the three phases (all synced; one endpoint added; one Service added), measures the server and
 * stops everything it started. Each phase ends at its timeout with what it has.
 */
public final class LoadTestRun {
  private static final Logger log = LoggerFactory.getLogger(LoadTestRun.class);
  private static final String LOOPBACK = "127.0.0.1";
  // lets ACKs and the previous push drain, so a phase measures its own change
  private static final Duration QUIET_BEFORE_CHANGE = Duration.ofSeconds(2);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(15);

  private final LoadTestOptions options;
  private final GeneratedMesh mesh;

  public LoadTestRun(LoadTestOptions options) {
    this.options = options;
    this.mesh = new GeneratedMesh(options.mesh());
  }

  /** Runs every phase and returns what was measured; throws only if the run could not start. */
  public LoadTestReport run() throws IOException, InterruptedException {
    Path work = Files.createTempDirectory("meshpilot-loadtest-");
    Path meshDir = options.meshDir().orElse(work.resolve("mesh"));
    try (MeshStore store = options.kubeconfig().isPresent()
        ? new KubeMeshStore(options.kubeconfig().get()) : new FileMeshStore(meshDir)) {
      long writeStart = System.nanoTime();
      store.writeAll(mesh);
      log.info("wrote {} services × {} endpoints in {} namespaces to {} in {} ms", options.mesh().services(),
          options.mesh().endpointsPerService(), options.mesh().namespaces(), store.describe(),
          (System.nanoTime() - writeStart) / 1_000_000);
      if (options.xdsAddress().isPresent()) {
        LoadTestOptions.HostPort target = options.xdsAddress().get();
        if (options.kubeconfig().isEmpty() && options.meshDir().isEmpty()) {
          log.warn("--xds-address without --kubeconfig or --mesh-dir: the server at {} cannot see the generated"
              + " mesh in {}, so the push phases will time out", target, meshDir);
        }
        Optional<ProcessProbe> probe = options.serverPid().isPresent()
            ? Optional.of(new ProcessProbe(options.serverPid().getAsLong(), jdkTool("jcmd"))) : Optional.empty();
        return measure(store, target, probe, Optional.empty(), setup(store, "external " + target));
      }
      int grpcPort = freePort();
      int httpPort = freePort();
      try (ServerProcess server = ServerProcess.start(jdkTool("java"), options.serverJvmOptions(), options.serverJar(),
          store.serverArgs(), grpcPort, httpPort, work.resolve("server.log"))) {
        if (!server.awaitReady(options.readyTimeout())) {
          throw new IOException("meshpilot did not become ready within " + options.readyTimeout() + "; see "
              + work.resolve("server.log"));
        }
        log.info("meshpilot ready");
        ProcessProbe probe = new ProcessProbe(server.pid(), jdkTool("jcmd"));
        return measure(store, new LoadTestOptions.HostPort(LOOPBACK, grpcPort), Optional.of(probe), Optional.of(server),
            setup(store, "meshpilot " + options.serverJar() + " (pid " + server.pid() + ", log "
                + work.resolve("server.log") + ")"));
      }
    } finally {
      if (options.meshDir().isEmpty()) {
        deleteTree(meshDir);
      }
    }
  }

  private Map<String, Object> setup(MeshStore store, String server) {
    Map<String, Object> setup = new LinkedHashMap<>();
    setup.put("proxies", options.proxies());
    setup.put("services", options.mesh().services());
    setup.put("namespaces", options.mesh().namespaces());
    setup.put("endpoints", options.mesh().endpointsPerService());
    setup.put("mode", options.delta() ? "Delta" : "SotW");
    setup.put("connect_rate", options.connectsPerSecond());
    setup.put("mesh", store.describe());
    setup.put("server", server);
    setup.put("server_jvm_opts", options.xdsAddress().isPresent() ? "n/a (external server)"
        : options.serverJvmOptions().isEmpty() ? "(none: JVM defaults)" : String.join(" ", options.serverJvmOptions()));
    setup.put("client_jvm_max_heap_mb", Runtime.getRuntime().maxMemory() / 1_000_000);
    setup.put("cpus", Runtime.getRuntime().availableProcessors());
    // the machine may be shared: its load says how much the numbers can be trusted
    setup.put("load_average_at_start", loadAverage());
    return setup;
  }

  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  private LoadTestReport measure(MeshStore store, LoadTestOptions.HostPort target, Optional<ProcessProbe> probe,
      Optional<ServerProcess> server, Map<String, Object> setup) throws IOException, InterruptedException {
    FleetSettings fleetSettings = new FleetSettings(target.host(), target.port(), options.proxies(),
        options.mesh().namespaces(), options.connectsPerSecond(), options.delta(), Backoff.envoyDefaults(),
        options.maxRetries());
    List<PhaseResult> phases = new ArrayList<>();
    try (SidecarFleet fleet = new SidecarFleet(fleetSettings)) {
      // (a) connect everyone; per proxy, from its first connect to synced
      ViewWatch synced = fleet.watch(ProxyView::synced);
      OptionalDouble cpu0 = cpu(probe);
      long start = System.nanoTime();
      fleet.connectAll();
      boolean all = awaitWithProgress("synced", synced, options.syncTimeout());
      phases.add(phase("all connected and synced", synced, start, fleet::connectStartedAt, cpu0, probe));
      fleet.unwatch(synced);
      int neverSynced = fleet.size() - synced.reached();
      log.info("phase 1: {} of {} proxies synced{}", synced.reached(), fleet.size(), all ? "" : " (timeout)");

      // (b) one endpoint added to the first service; then to the second, once the server's code for
      // an endpoints-only push has run (a JVM compiles what it has not run yet during the first)
      phases.add(endpointAdded("one endpoint added", 0, 0, fleet, probe, store));
      phases.add(endpointAdded("another endpoint added", Math.min(1, options.mesh().services() - 1), 1, fleet,
          probe, store));

      // (c) one Service added
      GeneratedMesh.ServiceObjects added = mesh.extraService(options.mesh().services());
      String addedCluster = added.ref().outboundCluster();
      phases.add(push("one Service added", fleet, probe,
          view -> view.clusters().contains(addedCluster), store.prepare(added)));

      OptionalLong heap = probe.map(ProcessProbe::liveHeapBytes).orElse(OptionalLong.empty());
      OptionalLong rss = probe.map(ProcessProbe::rssBytes).orElse(OptionalLong.empty());
      setup.put("load_average_at_end", loadAverage());
      server.ifPresent(s -> setup.put("server_at_end", s.state()));
      return new LoadTestReport(setup, phases, heap, rss, fleet.failuresByCode(), fleet.gaveUpCount(), neverSynced,
          fleet.nacks());
    }
  }

  /** The {@code added}th extra address for the {@code index}th service: every proxy's EDS must show it. */
  private PhaseResult endpointAdded(String name, int index, int added, SidecarFleet fleet,
      Optional<ProcessProbe> probe, MeshStore store) throws IOException, InterruptedException {
    String address = MeshAddresses.added(added);
    String cluster = mesh.service(index).outboundCluster();
    String endpoint = address + ":" + GeneratedMesh.PORT;
    return push(name, fleet, probe, view -> view.endpoints(cluster).contains(endpoint),
        store.prepare(mesh.withAddedEndpoint(index, address)));
  }

  private PhaseResult push(String name, SidecarFleet fleet, Optional<ProcessProbe> probe,
      Predicate<ProxyView> condition, MeshStore.PreparedWrite change) throws IOException, InterruptedException {
    TimeUnit.MILLISECONDS.sleep(QUIET_BEFORE_CHANGE.toMillis());
    ViewWatch watch = fleet.watch(condition);
    OptionalDouble cpu0 = cpu(probe);
    long start = System.nanoTime();
    change.apply();
    // beside the server log's FileSource and Push lines, this says where the time went
    log.info("{}: change written in {} ms", name, (System.nanoTime() - start) / 1_000_000);
    boolean all = awaitWithProgress(name, watch, options.pushTimeout());
    PhaseResult result = phase(name, watch, start, sidecar -> start, cpu0, probe);
    fleet.unwatch(watch);
    log.info("{}: {} of {} proxies have it{}", name, result.reached(), result.proxies(), all ? "" : " (timeout)");
    return result;
  }

  /** Waits for the watch, logging how many proxies got there every {@link #PROGRESS_EVERY}. */
  private static boolean awaitWithProgress(String what, ViewWatch watch, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      if (watch.await(Math.min(left, PROGRESS_EVERY.toNanos()), TimeUnit.NANOSECONDS)) {
        return true;
      }
      log.info("{}: {} of {} proxies so far", what, watch.reached(), watch.size());
    }
  }

  /**
   * @param origin per sidecar, the nanoTime its latency counts from
   */
  private static PhaseResult phase(String name, ViewWatch watch, long start, IntToLongFunction origin,
      OptionalDouble cpu0, Optional<ProcessProbe> probe) {
    OptionalDouble cpu1 = cpu(probe);
    long end = System.nanoTime();
    Map<Integer, Long> reached = watch.reachedAt();
    List<Long> latencies = reached.entrySet().stream().map(e -> e.getValue() - origin.applyAsLong(e.getKey())).toList();
    long last = reached.values().stream().mapToLong(Long::longValue).max().orElse(end);
    boolean complete = reached.size() == watch.size();
    double wall = ((complete ? last : end) - start) / 1e9;
    OptionalDouble spent = cpu0.isPresent() && cpu1.isPresent()
        ? OptionalDouble.of(cpu1.getAsDouble() - cpu0.getAsDouble()) : OptionalDouble.empty();
    return new PhaseResult(name, Distribution.ofNanos(latencies), wall, spent, reached.size(), watch.size());
  }

  private static OptionalDouble cpu(Optional<ProcessProbe> probe) {
    return probe.flatMap(ProcessProbe::cpuSeconds).map(OptionalDouble::of).orElse(OptionalDouble.empty());
  }

  private static Path jdkTool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
