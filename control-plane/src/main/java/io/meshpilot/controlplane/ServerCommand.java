package io.meshpilot.controlplane;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.meshpilot.controlplane.config.MeshConfig;
import io.meshpilot.controlplane.config.MeshConfigLoader;
import io.meshpilot.debughttp.DebugHttpOptions;
import io.meshpilot.debughttp.DebugHttpServer;
import io.meshpilot.debughttp.DebugSources;
import io.meshpilot.debughttp.KubeTokenReviewer;
import io.meshpilot.debughttp.MeshMetrics;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.file.FileSource;
import io.meshpilot.registry.kube.KubeSource;
import io.meshpilot.registry.kube.KubeSourceOptions;
import io.meshpilot.xds.MeshDiscovery;
import io.meshpilot.xds.auth.CachingTokenReviewer;
import io.meshpilot.xds.auth.TokenReviewer;
import io.meshpilot.xds.auth.XdsAuthOptions;
import io.meshpilot.xds.auth.XdsAuthenticator;
import io.meshpilot.xds.debug.ControlPlaneInstance;
import io.meshpilot.xds.debug.DebugAuthorization;
import io.meshpilot.xds.debug.DebugSettings;
import io.meshpilot.xds.push.PushSettings;
import io.meshpilot.xds.server.AdsSettings;
import io.meshpilot.xds.server.XdsTlsOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
  /** A pending source that keeps /ready at 503 while the server shuts down. */
  private static final String SHUTTING_DOWN = "shutting-down";

  /** Which Kubernetes API the endpoints come from. */
  enum EndpointsApi { endpointslices, endpoints }

  @Option(names = "--config-dir", paramLabel = "DIR",
      description = "File registry: a directory of Kubernetes YAML (Service, EndpointSlice, Endpoints, Pod, Node, "
          + "ServiceEntry, DestinationRule, VirtualService, Sidecar), re-read on change.")
  Path configDir;

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "Watch the cluster of this kubeconfig (default: in-cluster config when KUBERNETES_SERVICE_HOST is set).")
  Path kubeconfig;

  @Option(names = "--mesh-config", paramLabel = "FILE",
      description = "Istio MeshConfig YAML (outboundTrafficPolicy.mode, defaultServiceExportTo, "
          + "defaultDestinationRuleExportTo, defaultVirtualServiceExportTo, rootNamespace, trustDomain, connectTimeout, "
          + "tcpKeepalive, defaultHttpRetryPolicy).")
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

  @Option(names = "--tls-port", defaultValue = "15012",
      description = "TLS xDS port, opened only with --tls-cert-file and --tls-key-file (default: ${DEFAULT-VALUE}).")
  int tlsPort;

  @Option(names = "--tls-cert-file", paramLabel = "FILE",
      description = "PEM server certificate chain for the TLS xDS port (e.g. a mounted Secret's tls.crt); re-read on change.")
  Path tlsCertFile;

  @Option(names = "--tls-key-file", paramLabel = "FILE",
      description = "PEM private key of --tls-cert-file (PKCS#8, PKCS#1 or SEC1; e.g. tls.key); re-read on change.")
  Path tlsKeyFile;

  @Option(names = "--tls-client-ca-file", paramLabel = "FILE",
      description = "PEM CA bundle: TLS xDS clients must present a certificate it issued (e.g. ca.crt); re-read on change.")
  Path tlsClientCaFile;

  @Option(names = "--plaintext-xds", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Serve plaintext xDS on --grpc-port (default). --no-plaintext-xds serves xDS only over TLS (needs --tls-cert-file).")
  boolean plaintextXds = true;

  @Option(names = "--watch-namespaces", paramLabel = "NS[,NS...]", split = ",",
      description = "Only watch Services, EndpointSlices/Endpoints, Pods and ServiceEntries in these namespaces (default: all). Nodes are always cluster-wide.")
  List<String> watchNamespaces = List.of();

  @Option(names = "--shutdown-grace", paramLabel = "DURATION", converter = GoDuration.class,
      defaultValue = "${env:MESHPILOT_SHUTDOWN_GRACE:-20s}",
      description = "On SIGTERM, how long xDS connections may take to close before they are cut (default: $MESHPILOT_SHUTDOWN_GRACE or 20s; keep it well inside the pod's termination grace period).")
  Duration shutdownGrace;

  @Option(names = "--max-connection-age", paramLabel = "DURATION", converter = GoDuration.class,
      defaultValue = "30m",
      description = "xDS connections are asked to reconnect after this long, with ±10% jitter, so proxies spread over replicas (istiod's keepaliveMaxServerConnectionAge; default 30m).")
  Duration maxConnectionAge;

  private final Deque<AutoCloseable> running = new ArrayDeque<>();
  private volatile MeshRegistry registry;
  private volatile MeshDiscovery discovery;
  private final CountDownLatch stopped = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    boolean inCluster = System.getenv("KUBERNETES_SERVICE_HOST") != null;
    if (configDir == null && kubeconfig == null && !inCluster) {
      System.err.println("meshpilot server: no source. Give --config-dir DIR (e.g. examples/), --kubeconfig FILE,"
          + " or run inside a cluster.");
      return 2;
    }
    if (!plaintextXds && tlsCertFile == null) {
      System.err.println("meshpilot server: --no-plaintext-xds serves xDS only over TLS: give --tls-cert-file and"
          + " --tls-key-file.");
      return 2;
    }
    if ((tlsCertFile == null) != (tlsKeyFile == null) || (tlsClientCaFile != null && tlsCertFile == null)) {
      System.err.println("meshpilot server: --tls-cert-file and --tls-key-file go together, and"
          + " --tls-client-ca-file needs them.");
      return 2;
    }
    MeshConfig mesh = meshConfig == null ? MeshConfig.defaults() : MeshConfigLoader.load(meshConfig);
    RegistryConfig registryConfig =
        new RegistryConfig(domainSuffix, clusterId, mesh.trustDomain(), mesh.defaultServiceExportTo());
    MeshRegistry registry = new MeshRegistry(registryConfig);
    this.registry = registry;
    registry.sourceStarted(STARTUP); // not ready until every source below has started and synced

    Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "meshpilot-shutdown"));
    try {
      DebugHttpOptions debugOptions = DebugHttpOptions.fromEnvironment(bindAddress, httpPort,
          BuildInfo.version(), Optional.ofNullable(debugTokenFile), mesh.rootNamespace(), System.getenv());
      // Created first (it connects only when used): the TLS listener's TokenReviews need it too.
      Optional<KubernetesClient> kubeClient = Optional.empty();
      if (kubeconfig != null || inCluster) {
        KubernetesClient client = new KubernetesClientBuilder().withConfig(kubernetesConfig()).build();
        running.push(client);
        kubeClient = Optional.of(client);
      }
      MeshMetrics metrics = new MeshMetrics(registry);
      running.push(metrics);
      MeshDiscovery discovery = MeshDiscovery.start(registry, mesh.toMeshSettings(domainSuffix),
          PushSettings.fromEnvironment(System.getenv()), new InetSocketAddress(bindAddress, grpcPort),
          tlsOptions(xdsAuthenticator(mesh, kubeClient, debugOptions.tokenAudiences())), metrics,
          AdsSettings.fromEnvironment(System.getenv()).withMaxConnectionAge(maxConnectionAge),
          debugOverXds(debugOptions));
      running.push(discovery);
      this.discovery = discovery;
      metrics.bindResourceCache(discovery.resourceCache());
      DebugHttpServer http = DebugHttpServer.start(debugOptions,
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
      if (kubeClient.isPresent()) {
        KubeSource kube = new KubeSource(kubeClient.get(), registry,
            new KubeSourceOptions(endpointsApi == EndpointsApi.endpointslices, Duration.ofSeconds(30))
                .withNamespaces(new LinkedHashSet<>(watchNamespaces)));
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

  /**
   * istioctl's debug types on the xDS ports, under the debug endpoints' knobs
   * (ENABLE_DEBUG_ENDPOINT_AUTH, DEBUG_ENDPOINT_AUTH_ALLOWED_NAMESPACES); the instance is named by
   * POD_NAME as istiod's is, else by the host name.
   */
  private static DebugSettings debugOverXds(DebugHttpOptions options) {
    String podName = System.getenv().getOrDefault("POD_NAME", "");
    if (podName.isEmpty()) {
      try {
        podName = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        podName = "meshpilot";
      }
    }
    return new DebugSettings(new DebugAuthorization(options.namespaceAuthorization(), options.systemNamespace(),
        Set.copyOf(options.allowedNamespaces())), ControlPlaneInstance.of(podName, BuildInfo.version()));
  }

  private Optional<XdsTlsOptions> tlsOptions(XdsAuthenticator authenticator) {
    if (tlsCertFile == null) {
      return Optional.empty();
    }
    XdsTlsOptions options = XdsTlsOptions.of(new InetSocketAddress(bindAddress, tlsPort), tlsCertFile, tlsKeyFile)
        .withAuthenticator(authenticator);
    if (!plaintextXds) {
      options = options.withoutPlaintextListener();
    }
    return Optional.of(tlsClientCaFile == null ? options : options.withClientCa(tlsClientCaFile));
  }

  /**
   * How TLS xDS callers are authenticated (XDS_AUTH, PILOT_ENABLE_XDS_IDENTITY_CHECK): by client
   * certificate, or by a bearer token reviewed with the cluster's TokenReview API (audiences
   * TOKEN_AUDIENCES, default istio-ca), when meshpilot watches a cluster.
   */
  private static XdsAuthenticator xdsAuthenticator(MeshConfig mesh, Optional<KubernetesClient> client,
      List<String> audiences) {
    XdsAuthOptions options = XdsAuthOptions.fromEnvironment(System.getenv(), mesh.trustDomain());
    TokenReviewer reviewer = client.<TokenReviewer>map(c -> CachingTokenReviewer.of(new KubeTokenReviewer(c, audiences)))
        .orElse(TokenReviewer.NONE);
    log.info("xDS authentication on the TLS port: {}{}", options.enabled() ? "on" : "off (XDS_AUTH=false)",
        options.enabled() ? (options.identityCheck() ? ", identity check on" : ", identity check off")
            + (client.isPresent() ? ", bearer tokens via TokenReview " + audiences : ", client certificates only")
            : "");
    return new XdsAuthenticator(options, reviewer);
  }

  private Config kubernetesConfig() throws java.io.IOException {
    if (kubeconfig != null) {
      return Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
    }
    return Config.autoConfigure(null);
  }

  /**
   * Runs on SIGTERM (the JVM's shutdown hook) and after a failed start: /ready turns 503 first, xDS
   * streams are closed so proxies reconnect elsewhere (bounded by --shutdown-grace), then the rest.
   */
  private synchronized void shutdown() {
    if (stopped.getCount() == 0) {
      return;
    }
    long start = System.nanoTime();
    if (registry != null) {
      registry.sourceStarted(SHUTTING_DOWN);
      log.info("shutdown: /ready now answers 503; draining xDS for at most {} ms", shutdownGrace.toMillis());
    }
    if (discovery != null) {
      discovery.shutdownGracefully(shutdownGrace);
    }
    while (!running.isEmpty()) {
      AutoCloseable resource = running.pop();
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("closing {}: {}", resource.getClass().getSimpleName(), e.getMessage());
      }
    }
    log.info("shutdown: done after {} ms", (System.nanoTime() - start) / 1_000_000);
    stopped.countDown();
  }
}
