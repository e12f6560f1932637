package io.meshpilot.conformance.peers;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** meshpilot ({@code java -jar meshpilot.jar server}) against the harness's API server, on loopback. */
public final class Meshpilot {
  private Meshpilot() {}

  /** Starts meshpilot with the JVM running this harness and waits for its {@code /ready}. */
  public static ControlPlaneProcess start(Path jar, Path kubeconfig, Path meshConfig, Path workDir) {
    int grpc = Ports.free();
    int http = Ports.free();
    int tls = Ports.free();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = List.of(java.toString(), "-Xmx1g", "-jar", jar.toString(), "server",
        "--kubeconfig", kubeconfig.toString(),
        "--mesh-config", meshConfig.toString(),
        "--cluster-id", "Kubernetes",
        "--domain-suffix", "cluster.local",
        "--bind-address", "127.0.0.1",
        "--grpc-port", String.valueOf(grpc),
        "--http-port", String.valueOf(http),
        "--tls-port", String.valueOf(tls));
    ControlPlaneProcess meshpilot = ControlPlaneProcess.start("meshpilot", command, Map.of(),
        workDir.resolve("meshpilot.log"), grpc, http);
    try {
      meshpilot.awaitReady(URI.create("http://127.0.0.1:" + http + "/ready"));
    } catch (RuntimeException e) {
      meshpilot.close();
      throw e;
    }
    return meshpilot;
  }
}
