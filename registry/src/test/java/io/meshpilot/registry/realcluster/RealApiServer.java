package io.meshpilot.registry.realcluster;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real etcd and kube-apiserver on 127.0.0.1 (free ports, a fresh temporary directory), as
 * scripts/install-peers.sh builds them: static token authentication with an admin token
 * ({@link #ADMIN_TOKEN}, group {@code system:masters}), RBAC, service-account tokens signed with a
 * key generated here, dual-stack service ranges. No controller-manager and no kubelet: tests write
 * EndpointSlices and Pod status themselves. kube-apiserver can be stopped and started again on the
 * same etcd and port, which keeps every object and resourceVersion. {@link #close()} kills both
 * processes and removes the directory; a JVM shutdown hook does the same if a test never gets there.
 *
 * <p>When the binaries are missing, {@link #start} fails under {@code CI=true} and skips the test
 * otherwise (see {@link MissingPeer}).
 */
public final class RealApiServer implements AutoCloseable {
  /** Keep in step with scripts/install-peers.sh. */
  public static final String ETCD_VERSION = "3.6.16";
  /** Keep in step with scripts/install-peers.sh. */
  public static final String KUBE_VERSION = "1.35.4";
  /** The static bearer token of user {@code admin} in group {@code system:masters}. */
  public static final String ADMIN_TOKEN = "admin-token";
  private static final Duration READY_WITHIN = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Peers peers;
  private final Path dir;
  private final List<String> extraApiServerFlags;
  private final int etcdPort;
  private final int etcdPeerPort;
  private final int apiPort;
  private final HttpClient etcdHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final Thread shutdownHook = new Thread(this::killQuietly, "real-api-server-cleanup");
  private Process etcd;
  private Process apiServer;
  private KubernetesClient admin;
  private SSLContext trust;

  /** The binaries: from MESHPILOT_ETCD / MESHPILOT_KUBE_APISERVER, else the install script's cache. */
  record Peers(Path etcd, Path kubeApiServer) {
    static Peers find(Map<String, String> env) {
      Path cache = Path.of(Optional.ofNullable(env.get("MESHPILOT_PEERS_DIR")).filter(s -> !s.isBlank())
          .orElse(System.getProperty("user.home") + "/.cache/meshpilot"));
      Path etcd = path(env, "MESHPILOT_ETCD", cache.resolve("etcd-" + ETCD_VERSION).resolve("etcd"));
      Path apiServer = path(env, "MESHPILOT_KUBE_APISERVER",
          cache.resolve("kube-" + KUBE_VERSION).resolve("kube-apiserver"));
      for (Path p : List.of(etcd, apiServer)) {
        if (!Files.isExecutable(p)) {
          throw MissingPeer.report(env, "real API server peer missing: no executable " + p
              + " (MESHPILOT_ETCD / MESHPILOT_KUBE_APISERVER / MESHPILOT_PEERS_DIR); " + MissingPeer.INSTALL_HINT);
        }
      }
      return new Peers(etcd, apiServer);
    }

    private static Path path(Map<String, String> env, String name, Path fallback) {
      String value = env.get(name);
      return value == null || value.isBlank() ? fallback : Path.of(value);
    }
  }

  private RealApiServer(Peers peers, Path dir, List<String> extraApiServerFlags) throws IOException {
    this.peers = peers;
    this.dir = dir;
    this.extraApiServerFlags = List.copyOf(extraApiServerFlags);
    this.etcdPort = freePort();
    this.etcdPeerPort = freePort();
    this.apiPort = freePort();
  }

  /**
   * Starts etcd and kube-apiserver and waits until both are ready.
   *
   * @param extraApiServerFlags more kube-apiserver flags, e.g. {@code --watch-cache=false}
   */
  public static RealApiServer start(String... extraApiServerFlags) {
    Peers peers = Peers.find(System.getenv());
    RealApiServer server;
    try {
      server = new RealApiServer(peers, Files.createTempDirectory("meshpilot-kube-"), List.of(extraApiServerFlags));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Runtime.getRuntime().addShutdownHook(server.shutdownHook);
    try {
      server.writeFiles();
      server.startEtcd();
      server.startApiServer();
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
    return server;
  }

  /** {@code https://127.0.0.1:<port>}. */
  public URI url() {
    return URI.create("https://127.0.0.1:" + apiPort);
  }

  /** The admin client (owned by this server; do not close it). */
  public synchronized KubernetesClient client() {
    if (admin == null) {
      admin = newClient(ADMIN_TOKEN);
    }
    return admin;
  }

  /**
   * A fabric8 config that reaches this server with {@code token}, trusting its serving certificate;
   * everything else (retries, watch reconnects) at fabric8's defaults, as meshpilot runs.
   */
  public Config config(String token) {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(url().toString())
        .withCaCertFile(dir.resolve("certs/apiserver.crt").toString())
        .withOauthToken(token)
        .withNamespace("default")
        .build();
  }

  /** A new client with {@code token}; the caller closes it. */
  public KubernetesClient newClient(String token) {
    return newClient(config(token));
  }

  /** A new client with {@code config} (e.g. {@link #config} pointed at a proxy); the caller closes it. */
  public static KubernetesClient newClient(Config config) {
    return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory()).build();
  }

  /** A kubeconfig file for the admin user, as meshpilot's {@code --kubeconfig} reads it. */
  public Path kubeconfig() {
    Path file = dir.resolve("kubeconfig");
    write(file, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: real
          cluster:
            server: %s
            certificate-authority: %s
        users:
        - name: admin
          user:
            token: %s
        contexts:
        - name: real
          context: {cluster: real, user: admin, namespace: default}
        current-context: real
        """.formatted(url(), dir.resolve("certs/apiserver.crt"), ADMIN_TOKEN));
    return file;
  }

  /** Creates a namespace (the API server refuses objects in namespaces that do not exist). */
  public void createNamespace(String name) {
    client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .serverSideApply();
  }

  /** The port kube-apiserver listens on, the same after a restart. */
  public int apiServerPort() {
    return apiPort;
  }

  /** True while kube-apiserver runs. */
  public synchronized boolean apiServerRunning() {
    return apiServer != null && apiServer.isAlive();
  }

  /** Stops kube-apiserver (SIGTERM, then SIGKILL after 20 s); etcd keeps running. */
  public synchronized void stopApiServer() {
    stop(apiServer);
    apiServer = null;
  }

  /** Starts kube-apiserver (again) on the same etcd, port and flags, and waits for /readyz. */
  public synchronized void startApiServer() {
    if (apiServerRunning()) {
      throw new IllegalStateException("kube-apiserver is already running");
    }
    List<String> command = new ArrayList<>(List.of(peers.kubeApiServer().toString(),
        "--etcd-servers=http://127.0.0.1:" + etcdPort,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        "--secure-port=" + apiPort,
        "--cert-dir=" + dir.resolve("certs"),
        "--service-account-issuer=https://127.0.0.1:" + apiPort,
        "--service-account-key-file=" + dir.resolve("sa.pub"),
        "--service-account-signing-key-file=" + dir.resolve("sa.key"),
        "--authorization-mode=RBAC",
        "--token-auth-file=" + dir.resolve("tokens.csv"),
        "--service-cluster-ip-range=10.96.0.0/16,fd00:10:96::/112",
        "--disable-admission-plugins=ServiceAccount",
        "--allow-privileged=true",
        "--profiling=false",
        "--v=1"));
    command.addAll(extraApiServerFlags);
    apiServer = launch(command, "kube-apiserver.log");
    Process process = apiServer;
    awaitReady("kube-apiserver", process, "kube-apiserver.log", () -> apiServerReady());
  }

  /** etcd's current revision (from a range request on its JSON gateway). */
  public long etcdRevision() {
    JsonNode answer = etcdPost("/v3/kv/range", "{\"key\":\"" + base64("/") + "\",\"range_end\":\"" + base64("0")
        + "\",\"count_only\":true}");
    return answer.path("header").path("revision").asLong();
  }

  /** Compacts etcd's history up to {@code revision}: older revisions can no longer be watched. */
  public void compactEtcd(long revision) {
    etcdPost("/v3/kv/compaction", "{\"revision\":\"" + revision + "\",\"physical\":true}");
  }

  /** The tail of a process log (kube-apiserver.log, etcd.log), for failure messages. */
  public String logTail(String name) {
    try {
      List<String> lines = Files.readAllLines(dir.resolve(name), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no " + name + ": " + e.getMessage() + ")";
    }
  }

  @Override
  public synchronized void close() {
    if (admin != null) {
      admin.close();
      admin = null;
    }
    killQuietly();
    deleteTree(dir);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs anyway
    }
  }

  private void killQuietly() {
    stop(apiServer);
    stop(etcd);
    apiServer = null;
    etcd = null;
  }

  private void writeFiles() throws IOException {
    Files.createDirectories(dir.resolve("certs"));
    write(dir.resolve("tokens.csv"), ADMIN_TOKEN + ",admin,admin-uid,\"system:masters\"\n");
    KeyPair key;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      key = generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    write(dir.resolve("sa.key"), pem("PRIVATE KEY", key.getPrivate().getEncoded()));
    write(dir.resolve("sa.pub"), pem("PUBLIC KEY", key.getPublic().getEncoded()));
  }

  private void startEtcd() {
    String peer = "http://127.0.0.1:" + etcdPeerPort;
    String clientUrl = "http://127.0.0.1:" + etcdPort;
    etcd = launch(List.of(peers.etcd().toString(),
        "--data-dir=" + dir.resolve("etcd"),
        "--listen-client-urls=" + clientUrl, "--advertise-client-urls=" + clientUrl,
        "--listen-peer-urls=" + peer, "--initial-advertise-peer-urls=" + peer,
        "--initial-cluster=default=" + peer,
        "--unsafe-no-fsync", "--log-level=warn"), "etcd.log");
    Process process = etcd;
    awaitReady("etcd", process, "etcd.log", () -> {
      HttpResponse<String> health = etcdHttp.send(HttpRequest.newBuilder(URI.create(clientUrl + "/health"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
      return health.statusCode() == 200 && health.body().contains("true");
    });
  }

  private boolean apiServerReady() throws Exception {
    Path ca = dir.resolve("certs/apiserver.crt");
    if (!Files.exists(ca)) {
      return false;
    }
    if (trust == null) {
      trust = trusting(ca);
    }
    try (HttpClient http = HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(2)).build()) {
      HttpResponse<String> ready = http.send(HttpRequest.newBuilder(url().resolve("/readyz"))
          .header("Authorization", "Bearer " + ADMIN_TOKEN).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      return ready.statusCode() == 200;
    }
  }

  /** Polls until {@code check} answers true; fails at once with the log's tail if the process exits. */
  private void awaitReady(String what, Process process, String log, java.util.concurrent.Callable<Boolean> check) {
    await().atMost(READY_WITHIN).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
      if (!process.isAlive()) {
        throw new IllegalStateException(what + " exited with " + process.exitValue() + ":\n" + logTail(log));
      }
      return check.call();
    });
  }

  private Process launch(List<String> command, String log) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(log).toFile()));
    builder.environment().keySet().removeIf(k -> k.toLowerCase(java.util.Locale.ROOT).endsWith("_proxy"));
    builder.environment().put("NO_PROXY", "127.0.0.1,localhost");
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0), e);
    }
  }

  private static void stop(Process process) {
    if (process == null) {
      return;
    }
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

  private JsonNode etcdPost(String path, String body) {
    try {
      HttpResponse<String> response = etcdHttp.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + etcdPort + path)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("etcd " + path + " answered " + response.statusCode() + ": " + response.body());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static SSLContext trusting(Path pem) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(pem)) {
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + i++, c);
      }
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static void write(Path file, String content) {
    try {
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: the directory is under the temp dir
    }
  }
}
