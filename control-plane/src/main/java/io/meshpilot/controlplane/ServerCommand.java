package io.meshpilot.controlplane;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.meshpilot.controlplane.config.MeshConfig;
import io.meshpilot.controlplane.config.MeshConfigLoader;
import io.meshpilot.debughttp.DebugHttpOptions;
import io.meshpilot.debughttp.DebugHttpServer;
import io.meshpilot.debughttp.DebugSources;
import io.meshpilot.debughttp.MeshMetrics;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.file.FileSource;
import io.meshpilot.registry.kube.KubeSource;
import io.meshpilot.registry.kube.KubeSourceOptions;
import io.meshpilot.xds.MeshDiscovery;
import io.meshpilot.xds.push.PushSettings;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code meshpilot server}: watch the sources, keep the registry, serve the debug HTTP port. */
@Command(name = "server", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class,
    description = "Run the control plane on a config directory and/or a Kubernetes cluster.")
final class ServerCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServerCommand.class);
  private static final String STARTUP = "startup";

  /** Which Kubernetes API the endpoints come from. */
  enum EndpointsApi { endpointslices, endpoints }

  @Option(names = "--config-dir", paramLabel = "DIR",
      description = "File registry: a directory of Kubernetes YAML (Service, EndpointSlice, Endpoints, Pod, Node, ServiceEntry), re-read on change.")
  Path configDir;

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "Watch the cluster of this kubeconfig (default: in-cluster config when KUBERNETES_SERVICE_HOST is set).")
  Path kubeconfig;

  @Option(names = "--mesh-config", paramLabel = "FILE",
      description = "Istio MeshConfig YAML (outboundTrafficPolicy.mode, defaultServiceExportTo, rootNamespace, trustDomain).")
  Path meshConfig;

  @Option(names = "--domain-suffix", defaultValue = "cluster.local", description = "Kubernetes cluster domain (default: ${DEFAULT-VALUE}).")
  String domainSuffix;

  @Option(names = "--cluster-id", defaultValue = "${env:CLUSTER_ID:-Kubernetes}",
      description = "Cluster ID keying clusterVIPs and endpoint shards (default: $CLUSTER_ID or Kubernetes).")
  String clusterId;

  @Option(names = "--grpc-port", defaultValue = "15010", description = "Plaintext xDS (ADS, SotW and Delta) port (default: ${DEFAULT-VALUE}).")
  int grpcPort;

  @Option(names = "--http-port", defaultValue = "15014", description = "Debug, readiness and version port (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(names = "--bind-address", defaultValue = "0.0.0.0", description = "Address the ports bind to (default: ${DEFAULT-VALUE}).")
  String bindAddress;

  @Option(names = "--endpoints-api", defaultValue = "endpointslices",
      description = "Where endpoints come from: endpointslices (discovery.k8s.io/v1) or endpoints (core/v1) (default: ${DEFAULT-VALUE}).")
  EndpointsApi endpointsApi;

  @Option(names = "--debug-token-file", paramLabel = "FILE",
      description = "Bearer tokens non-loopback callers may use on /debug/*, one per line: TOKEN or TOKEN NAMESPACE (re-read on change).")
  Path debugTokenFile;

  private final Deque<AutoCloseable> running = new ArrayDeque<>();
  private final CountDownLatch stopped = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    boolean inCluster = System.getenv("KUBERNETES_SERVICE_HOST") != null;
    if (configDir == null && kubeconfig == null && !inCluster) {
      System.err.println("meshpilot server: no source. Give --config-dir DIR (e.g. examples/), --kubeconfig FILE,"
          + " or run inside a cluster.");
      return 2;
    }
    MeshConfig mesh = meshConfig == null ? MeshConfig.defaults() : MeshConfigLoader.load(meshConfig);
    RegistryConfig registryConfig =
        new RegistryConfig(domainSuffix, clusterId, mesh.trustDomain(), mesh.defaultServiceExportTo());
    MeshRegistry registry = new MeshRegistry(registryConfig);
    registry.sourceStarted(STARTUP); // not ready until every source below has started and synced

    Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "meshpilot-shutdown"));
    try {
      MeshMetrics metrics = new MeshMetrics(registry);
      running.push(metrics);
      MeshDiscovery discovery = MeshDiscovery.start(registry, mesh.toMeshSettings(domainSuffix),
          PushSettings.fromEnvironment(System.getenv()), new InetSocketAddress(bindAddress, grpcPort), metrics);
      running.push(discovery);
      DebugHttpServer http = DebugHttpServer.start(DebugHttpOptions.fromEnvironment(bindAddress, httpPort,
              BuildInfo.version(), Optional.ofNullable(debugTokenFile), mesh.rootNamespace(), System.getenv()),
          new DebugSources(registry, Optional.of(discovery), metrics));
      running.push(http);
      log.info("meshpilot {} debug HTTP on {}:{} (domain suffix {}, cluster {}, outbound policy {})",
          BuildInfo.version(), bindAddress, http.port(), domainSuffix, clusterId, mesh.outboundTrafficPolicyMode());
      if (configDir != null) {
        if (!Files.isDirectory(configDir)) {
          System.err.println("meshpilot server: --config-dir " + configDir + " is not a directory");
          return 2;
        }
        FileSource files = new FileSource(configDir, registry);
        running.push(files);
        files.start();
      }
      if (kubeconfig != null || inCluster) {
        KubernetesClient client = new KubernetesClientBuilder().withConfig(kubernetesConfig()).build();
        running.push(client);
        KubeSource kube = new KubeSource(client, registry,
            new KubeSourceOptions(endpointsApi == EndpointsApi.endpointslices, Duration.ofSeconds(30)));
        running.push(kube);
        kube.start();
      }
    } catch (Exception e) {
      log.error("meshpilot server failed to start: {}", e.getMessage());
      shutdown();
      return 1;
    }
    registry.sourceSynced(STARTUP);
    stopped.await();
    return 0;
  }

  private Config kubernetesConfig() throws java.io.IOException {
    if (kubeconfig != null) {
      return Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
    }
    return Config.autoConfigure(null);
  }

  private synchronized void shutdown() {
    while (!running.isEmpty()) {
      AutoCloseable resource = running.pop();
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("closing {}: {}", resource.getClass().getSimpleName(), e.getMessage());
      }
    }
    stopped.countDown();
  }
}
