package io.meshpilot.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.meshpilot.registry.realcluster.RealApiServer;
import io.meshpilot.registry.realcluster.RealApiServerExtension;
import io.meshpilot.xds.e2e.EnvoyBootstrap;
import io.meshpilot.xds.e2e.EnvoyBootstrap.AdsMode;
import io.meshpilot.xds.e2e.EnvoyProcess;
import io.meshpilot.xds.e2e.HttpBackend;
import io.meshpilot.xds.e2e.SidecarNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged meshpilot.jar watching a real kube-apiserver is killed (SIGKILL, a crashed pod) under
 * a connected real Envoy: Envoy keeps routing on its last config while meshpilot is gone, even though
 * the cluster changes meanwhile; once meshpilot is back (same ports), Envoy reconnects and routes by
 * the change. A client sends requests through Envoy throughout: none may fail.
 */
@Timeout(300)
class ServerRestartOnRealClusterIT {
  @RegisterExtension
  static final RealApiServerExtension KUBE = new RealApiServerExtension();

  private static final Path JAR = Path.of("target/meshpilot.jar");
  private static final String HOST = "reviews.example.com";
  private static final Duration AT_MOST = Duration.ofSeconds(60);
  private static final ResourceDefinitionContext SERVICE_ENTRIES = new ResourceDefinitionContext.Builder()
      .withGroup("networking.istio.io").withVersion("v1").withKind("ServiceEntry").withPlural("serviceentries")
      .withNamespaced(true).build();

  @TempDir Path dir;
  private final Deque<AutoCloseable> opened = new ArrayDeque<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Path> serverLogs = new ArrayList<>();
  private Process server;

  @AfterEach
  void closeAll() throws Exception {
    if (server != null && server.isAlive()) {
      server.destroyForcibly().waitFor();
    }
    while (!opened.isEmpty()) {
      opened.pop().close();
    }
    http.close();
    for (Path log : serverLogs) {
      if (Files.exists(log)) {
        System.out.println("---- " + log.getFileName() + " ----\n" + Files.readString(log));
      }
    }
  }

  private <T extends AutoCloseable> T track(T resource) {
    opened.push(resource);
    return resource;
  }

  @Test
  void envoyKeepsRoutingWhileMeshpilotIsDownAndFollowsTheClusterOnceItIsBack() throws Exception {
    KubernetesClient admin = KUBE.server().client();
    installServiceEntryCrd(admin);
    HttpBackend v1 = track(HttpBackend.start("reviews-v1", "127.0.0.11", PackagedServer.freePort("127.0.0.11")));
    HttpBackend v2 = track(HttpBackend.start("reviews-v2", "127.0.0.12", PackagedServer.freePort("127.0.0.12")));
    admin.genericKubernetesResources(SERVICE_ENTRIES).inNamespace("default").resource(serviceEntry(v1)).create();

    int grpcPort = PackagedServer.freePort("127.0.0.1");
    int httpPort = PackagedServer.freePort("127.0.0.1");
    List<String> flags = List.of("--kubeconfig", KUBE.server().kubeconfig().toString(), "--bind-address",
        "127.0.0.1", "--grpc-port", String.valueOf(grpcPort), "--http-port", String.valueOf(httpPort));
    startServer(flags, "server-1.log");
    await().atMost(AT_MOST).until(() -> PackagedServer.status(http, httpPort, "/ready") == 200);

    EnvoyProcess envoy = track(EnvoyProcess.start(EnvoyBootstrap.forSidecar(
            SidecarNode.of("productpage-v1-7d9f8", "default", "127.0.0.1").withLabels(Map.of("app", "productpage"))
                .withInterceptionMode(SidecarNode.InterceptionMode.NONE))
        .withAds(AdsMode.SOTW, new InetSocketAddress("127.0.0.1", grpcPort))).awaitLive());
    await().atMost(AT_MOST).ignoreExceptions().until(() -> servedBy(get(9080, HOST)).equals("reviews-v1"));
    Traffic traffic = track(new Traffic());

    server.destroyForcibly().waitFor(); // SIGKILL: no drain, as a crashed or evicted pod
    long killed = System.nanoTime();
    await().atMost(AT_MOST).until(() -> envoy.stat("control_plane.connected_state") == 0);
    // The cluster changes while meshpilot is down; Envoy cannot know and keeps its last config.
    admin.genericKubernetesResources(SERVICE_ENTRIES).inNamespace("default").withName("reviews")
        .edit(se -> {
          se.getAdditionalProperties().put("spec", serviceEntry(v2).getAdditionalProperties().get("spec"));
          return se;
        });
    int before = traffic.count("reviews-v1");
    await().atMost(AT_MOST).until(() -> traffic.count("reviews-v1") >= before + 20);
    assertThat(traffic.count("reviews-v2")).isZero();

    startServer(flags, "server-2.log");
    await().atMost(AT_MOST).until(() -> PackagedServer.status(http, httpPort, "/ready") == 200);
    long ready = System.nanoTime();
    await().atMost(AT_MOST).until(() -> envoy.stat("control_plane.connected_state") == 1
        && traffic.count("reviews-v2") > 0);
    long resynced = System.nanoTime();
    int v2Before = traffic.count("reviews-v2");
    await().atMost(AT_MOST).until(() -> traffic.count("reviews-v2") >= v2Before + 20);
    traffic.close();

    System.out.printf("MEASURE meshpilot-restart-under-envoy down_ms=%d ready_to_envoy_resynced_ms=%d requests=%d"
            + " failed=%d failing_for_ms=%d%n", (ready - killed) / 1_000_000, (resynced - ready) / 1_000_000,
        traffic.total(), traffic.failures(), traffic.failingMillis());
    assertThat(traffic.failures()).as("requests through Envoy that failed: %s", traffic.failureSamples()).isZero();
  }

  private static void installServiceEntryCrd(KubernetesClient admin) {
    String name = "serviceentries.networking.istio.io";
    admin.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName(name).endMetadata().withNewSpec().withGroup("networking.istio.io")
        .withScope("Namespaced").withNewNames().withKind("ServiceEntry").withListKind("ServiceEntryList")
        .withPlural("serviceentries").withSingular("serviceentry").endNames()
        .addNewVersion().withName("v1").withServed(true).withStorage(true).withNewSchema().withNewOpenAPIV3Schema()
        .withType("object").withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema().endVersion()
        .endSpec().build()).create();
    await().atMost(AT_MOST).until(() -> admin.apiextensions().v1().customResourceDefinitions().withName(name).get()
        .getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Established")
            && c.getStatus().equals("True")));
  }

  /** A STATIC ServiceEntry whose one endpoint is the backend (EndpointSlices may not hold loopback addresses). */
  private static GenericKubernetesResource serviceEntry(HttpBackend backend) {
    return new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1").withKind("ServiceEntry")
        .withNewMetadata().withNamespace("default").withName("reviews").endMetadata()
        .addToAdditionalProperties("spec", Map.of("hosts", List.of(HOST), "location", "MESH_INTERNAL",
            "resolution", "STATIC",
            "ports", List.of(Map.of("number", 9080, "name", "http", "protocol", "HTTP", "targetPort", backend.port())),
            "endpoints", List.of(Map.of("address", backend.address().getAddress().getHostAddress()))))
        .build();
  }

  private void startServer(List<String> flags, String logName) throws IOException {
    Path log = dir.resolve(logName);
    serverLogs.add(log);
    server = PackagedServer.start(JAR, flags, log);
  }

  /** The backend that answered, from its served-by header; "" if none did. */
  private static String servedBy(String response) {
    for (String line : response.split("\r\n")) {
      if (line.startsWith(HttpBackend.SERVED_BY_HEADER + ":")) {
        return line.substring(line.indexOf(':') + 1).strip();
      }
    }
    return "";
  }

  /** One HTTP/1.1 request to Envoy's 127.0.0.1:port with the given Host; returns the raw response, lower-cased. */
  private static String get(int port, String host) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
    }
  }

  /** Requests through Envoy, one after the other on a thread of its own, counted by who answered. */
  private static final class Traffic implements AutoCloseable {
    private final Map<String, AtomicInteger> answered = new ConcurrentHashMap<>();
    private final List<String> failureSamples = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger total = new AtomicInteger();
    private volatile long firstFailure;
    private volatile long lastFailure;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread = new Thread(this::run, "envoy-traffic");

    Traffic() {
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      while (running.get()) {
        total.incrementAndGet();
        String who;
        try {
          who = servedBy(get(9080, HOST));
        } catch (IOException e) {
          who = "";
          sample(e.toString());
        }
        if (who.isEmpty()) {
          if (failures.incrementAndGet() == 1) {
            firstFailure = System.nanoTime();
          }
          lastFailure = System.nanoTime();
          sample("no backend answered");
        } else {
          answered.computeIfAbsent(who, k -> new AtomicInteger()).incrementAndGet();
        }
      }
    }

    private void sample(String failure) {
      if (failureSamples.size() < 5) {
        failureSamples.add(failure);
      }
    }

    int count(String backend) {
      AtomicInteger n = answered.get(backend);
      return n == null ? 0 : n.get();
    }

    int failures() {
      return failures.get();
    }

    int total() {
      return total.get();
    }

    /** From the first failed request to the last, in ms (0 if none failed). */
    long failingMillis() {
      return failures.get() == 0 ? 0 : (lastFailure - firstFailure) / 1_000_000;
    }

    List<String> failureSamples() {
      return List.copyOf(failureSamples);
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(10_000);
    }
  }
}
