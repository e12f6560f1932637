package io.meshpilot.conformance.peers;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Real istiod (pilot-discovery, built by scripts/install-istio.sh) against the harness's API server,
 * as shared reference real-cluster.md runs it: plaintext only, every port on loopback, no CA, no
 * webhooks, no analysis or Gateway API; everything else (ServiceEntry IP auto-allocation included) at
 * istiod's defaults.
 */
public final class Istiod {
  private Istiod() {}

  /** Starts istiod and waits for its {@code /ready} (caches synced). */
  public static ControlPlaneProcess start(Path binary, Path kubeconfig, Path meshConfig, Path networks, Path workDir) {
    int grpc = Ports.free();
    int http = Ports.free();
    int https = Ports.free();
    int monitoring = Ports.free();
    int ctrlz = Ports.free();
    List<String> command = List.of(binary.toString(), "discovery",
        "--kubeconfig", kubeconfig.toString(),
        "--meshConfig", meshConfig.toString(),
        "--networksConfig", networks.toString(),
        "--grpcAddr", "127.0.0.1:" + grpc,
        "--secureGRPCAddr", "",
        "--httpAddr", "127.0.0.1:" + http,
        "--httpsAddr", "127.0.0.1:" + https,
        "--monitoringAddr", "127.0.0.1:" + monitoring,
        "--ctrlz_address", "127.0.0.1",
        "--ctrlz_port", String.valueOf(ctrlz),
        "--clusterID", "Kubernetes",
        "--domain", "cluster.local");
    Map<String, String> env = Map.ofEntries(
        Map.entry("POD_NAMESPACE", "istio-system"),
        Map.entry("POD_NAME", "istiod-local"),
        Map.entry("REVISION", "default"),
        Map.entry("CLUSTER_ID", "Kubernetes"),
        Map.entry("ENABLE_CA_SERVER", "false"),
        Map.entry("INJECTION_WEBHOOK_CONFIG_NAME", ""),
        Map.entry("VALIDATION_WEBHOOK_CONFIG_NAME", ""),
        Map.entry("PILOT_ENABLE_ANALYSIS", "false"),
        Map.entry("PILOT_ENABLE_GATEWAY_API", "false"));
    ControlPlaneProcess istiod = ControlPlaneProcess.start("istiod", command, env, workDir.resolve("istiod.log"),
        grpc, monitoring);
    try {
      istiod.awaitReady(URI.create("http://127.0.0.1:" + http + "/ready"));
    } catch (RuntimeException e) {
      istiod.close();
      throw e;
    }
    return istiod;
  }
}
