package io.meshpilot.loadtest;

import io.meshpilot.loadtest.measure.LoadTestReport;
import io.meshpilot.loadtest.mesh.MeshSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./dev.sh loadtest}: the command line of the load test. Prints a table and a JSON line. */
@Command(name = "loadtest", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Starts meshpilot on a generated mesh (or points at --xds-address), connects N simulated Istio",
        "sidecars over ADS and reports convergence, pushes, server CPU, live heap and RSS. Asserts nothing."})
public final class LoadTestCommand implements Callable<Integer> {
  @Option(names = "--proxies", defaultValue = "2000", description = "Simulated sidecars (default: ${DEFAULT-VALUE}).")
  int proxies;

  @Option(names = "--services", defaultValue = "1000", description = "Generated Services (default: ${DEFAULT-VALUE}).")
  int services;

  @Option(names = "--namespaces", defaultValue = "10", description = "Namespaces they spread over (default: ${DEFAULT-VALUE}).")
  int namespaces;

  @Option(names = "--endpoints", defaultValue = "3", description = "Ready endpoints per Service (default: ${DEFAULT-VALUE}).")
  int endpoints;

  @Option(names = "--rate", defaultValue = "100", description = "Sidecars connecting per second (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--delta", description = "Delta ADS (DeltaAggregatedResources) instead of state of the world.")
  boolean delta;

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "Write the mesh to this API server (namespaces lt-NN; its objects deleted at the end) and start meshpilot on it.")
  Path kubeconfig;

  @Option(names = "--xds-address", paramLabel = "HOST:PORT",
      description = "Start no server: load this xDS server (which must read the mesh: --kubeconfig or --mesh-dir).")
  String xdsAddress;

  @Option(names = "--server-pid", paramLabel = "PID", description = "With --xds-address: that server's pid, for CPU, heap and RSS.")
  Long serverPid;

  @Option(names = "--mesh-dir", paramLabel = "DIR", description = "Write the mesh files here and keep them (default: a temporary directory).")
  Path meshDir;

  @Option(names = "--server-jar", paramLabel = "JAR", defaultValue = "control-plane/target/meshpilot.jar",
      description = "meshpilot.jar to start (default: ${DEFAULT-VALUE}).")
  Path serverJar;

  /**
   * The server JVM as the chart runs it: the Dockerfile's options in the chart's 1 GiB memory limit
   * (MaxRAM stands in for the container's limit). {@code ChartJvmOptionsTest} keeps them in step.
   */
  static final String CHART_JVM_OPTIONS =
      "-XX:MaxRAM=1g -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:+UseParallelGC";
  private static final String JVM_DEFAULTS = "none";

  @Option(names = "--server-jvm-opts", paramLabel = "OPTS",
      defaultValue = "${env:MESHPILOT_JAVA_OPTS:-" + CHART_JVM_OPTIONS + "}",
      description = "Options for the server JVM, space-separated; " + JVM_DEFAULTS + " for the JVM's defaults "
          + "(default: $MESHPILOT_JAVA_OPTS, else the chart's: " + CHART_JVM_OPTIONS + ").")
  String serverJvmOpts;

  @Option(names = "--ready-timeout", paramLabel = "SECONDS", defaultValue = "300",
      description = "How long the server may take to be ready (default: ${DEFAULT-VALUE}).")
  long readyTimeout;

  @Option(names = "--sync-timeout", paramLabel = "SECONDS", defaultValue = "300",
      description = "Time limit of the first phase, all synced (default: ${DEFAULT-VALUE}).")
  long syncTimeout;

  @Option(names = "--push-timeout", paramLabel = "SECONDS", defaultValue = "180",
      description = "Time limit of each push phase (default: ${DEFAULT-VALUE}).")
  long pushTimeout;

  @Option(names = "--max-retries", defaultValue = "20",
      description = "Consecutive failed streams after which a sidecar gives up for good (default: ${DEFAULT-VALUE}).")
  int maxRetries;

  @Override
  public Integer call() throws Exception {
    LoadTestReport report = new LoadTestRun(options()).run();
    System.out.println();
    System.out.print(report.table());
    System.out.println(report.jsonLine());
    return 0;
  }

  LoadTestOptions options() {
    List<String> jvmOpts = serverJvmOpts.trim().equals(JVM_DEFAULTS) ? List.of()
        : Arrays.stream(serverJvmOpts.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    return new LoadTestOptions(new MeshSpec(services, namespaces, endpoints), proxies, rate, delta,
        Optional.ofNullable(kubeconfig), Optional.ofNullable(xdsAddress).map(LoadTestOptions.HostPort::parse),
        serverPid == null ? OptionalLong.empty() : OptionalLong.of(serverPid), Optional.ofNullable(meshDir),
        serverJar, jvmOpts, Duration.ofSeconds(readyTimeout), Duration.ofSeconds(syncTimeout),
        Duration.ofSeconds(pushTimeout), maxRetries);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadTestCommand()).execute(args));
  }
}
