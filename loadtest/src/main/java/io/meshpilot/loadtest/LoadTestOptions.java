package io.meshpilot.loadtest;

import io.meshpilot.loadtest.mesh.MeshSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A load test's settings, validated once at the command line.
 *
 * @param mesh the generated mesh
 * @param proxies simulated sidecars
 * @param connectsPerSecond the rate at which they connect
 * @param delta Delta ADS instead of state of the world
 * @param kubeconfig write the mesh to this API server (and start meshpilot against it) instead of files
 * @param xdsAddress point the sidecars at this xDS server and start none
 * @param serverPid the pid of that server, for its CPU, heap and RSS
 * @param meshDir where to write the mesh files (default: a temporary directory)
 * @param serverJar meshpilot.jar, for the server the load test starts
 * @param serverJvmOptions options for that server's JVM; empty means the JVM's defaults
 * @param readyTimeout how long the started server may take to answer {@code /ready}
 * @param syncTimeout how long the first phase (all connected and synced) may take
 * @param pushTimeout how long each push phase may take
 * @param maxRetries consecutive failed streams after which a sidecar gives up for good
 */
public record LoadTestOptions(MeshSpec mesh, int proxies, double connectsPerSecond, boolean delta,
    Optional<Path> kubeconfig, Optional<HostPort> xdsAddress, OptionalLong serverPid, Optional<Path> meshDir,
    Path serverJar, List<String> serverJvmOptions, Duration readyTimeout, Duration syncTimeout, Duration pushTimeout,
    int maxRetries) {
  public LoadTestOptions {
    serverJvmOptions = List.copyOf(serverJvmOptions);
    if (proxies < 1 || connectsPerSecond <= 0 || maxRetries < 0) {
      throw new IllegalArgumentException("--proxies and --rate must be positive, --max-retries not negative");
    }
    if (serverPid.isPresent() && xdsAddress.isEmpty()) {
      throw new IllegalArgumentException("--server-pid only goes with --xds-address");
    }
  }

  /** An xDS server's address. */
  public record HostPort(String host, int port) {
    /** Parses {@code HOST:PORT}. */
    public static HostPort parse(String s) {
      int colon = s.lastIndexOf(':');
      if (colon <= 0 || colon == s.length() - 1) {
        throw new IllegalArgumentException("expected HOST:PORT, got '" + s + "'");
      }
      return new HostPort(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)));
    }

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }
}
