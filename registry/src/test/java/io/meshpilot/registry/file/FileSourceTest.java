package io.meshpilot.registry.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.Rejection;
import io.meshpilot.registry.kube.LogCapture;
import io.meshpilot.registry.model.AutoAllocation;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.Service;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSourceTest {
  private static final String SERVICE = """
      apiVersion: v1
      kind: Service
      metadata: {name: %s, namespace: default}
      spec:
        clusterIP: %s
        ports: [{name: http, port: 9080}]
      """;

  @TempDir Path dir;
  private final MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
  private FileSource source;

  @AfterEach
  void stop() {
    if (source != null) {
      source.close();
    }
  }

  private void start() throws IOException {
    source = new FileSource(dir, registry);
    source.start();
  }

  private List<String> hostnames() {
    return registry.services().stream().map(Service::hostname).toList();
  }

  private static String service(String name, String ip) {
    return SERVICE.formatted(name, ip);
  }

  @Test
  void loadsEveryDocumentOfEveryYamlFileBeforeReportingSynced() throws IOException {
    Files.writeString(dir.resolve("a.yaml"), service("a", "10.96.0.1") + "---\n" + service("b", "10.96.0.2"));
    Files.writeString(dir.resolve("c.yml"), service("c", "10.96.0.3"));
    Files.writeString(dir.resolve("ignored.txt"), service("d", "10.96.0.4"));

    start();

    assertThat(registry.synced()).isTrue();
    assertThat(hostnames()).containsExactly("a.default.svc.cluster.local", "b.default.svc.cluster.local",
        "c.default.svc.cluster.local");
  }

  @Test
  void readsKubectlListOutput() throws IOException {
    Files.writeString(dir.resolve("list.yaml"), """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Service
          metadata: {name: one, namespace: ns1}
          spec: {clusterIP: 10.96.0.1, ports: [{name: http, port: 80}]}
        - apiVersion: v1
          kind: Service
          metadata: {name: two, namespace: ns2}
          spec: {clusterIP: 10.96.0.2, ports: [{name: http, port: 80}]}
        """);
    start();
    assertThat(hostnames()).containsExactly("one.ns1.svc.cluster.local", "two.ns2.svc.cluster.local");
  }

  @Test
  void serviceEntryStatusVipsFromIstiodAreKeptAndAnEntryWithoutThemGetsInMemoryOnes() throws IOException {
    // what `kubectl get serviceentries -o yaml` prints in a mesh istiod's IP autoallocate controller ran in
    Files.writeString(dir.resolve("se.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: moved, namespace: default, creationTimestamp: "2024-01-01T00:00:00Z"}
        spec:
          hosts: [moved.example.com]
          ports: [{number: 443, name: https, protocol: TLS}]
          resolution: DNS
        status:
          addresses:
          - {host: moved.example.com, value: 240.240.0.3}
          - {host: moved.example.com, value: "2001:2::3"}
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: fresh, namespace: default, creationTimestamp: "2024-01-02T00:00:00Z"}
        spec:
          hosts: [fresh.example.com]
          ports: [{number: 443, name: https, protocol: TLS}]
          resolution: DNS
        """);

    start();

    assertThat(registry.services())
        .extracting(Service::hostname, Service::autoAllocatedIPv4Address, Service::autoAllocation)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("moved.example.com", "240.240.0.3", AutoAllocation.STATUS),
            org.assertj.core.groups.Tuple.tuple("fresh.example.com", "240.240.225.52", AutoAllocation.IN_MEMORY));
  }

  @Test
  void followsEditsAdditionsAndDeletions() throws IOException {
    Files.writeString(dir.resolve("a.yaml"), service("a", "10.96.0.1"));
    start();

    Files.writeString(dir.resolve("a.yaml"), service("a", "10.96.0.9"));
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.services().get(0).defaultAddress().equals("10.96.0.9"));

    Files.writeString(dir.resolve("b.yaml"), service("b", "10.96.0.2"));
    await().atMost(Duration.ofSeconds(10)).until(() -> hostnames().size() == 2);

    Files.delete(dir.resolve("a.yaml"));
    await().atMost(Duration.ofSeconds(10)).until(() -> hostnames().equals(List.of("b.default.svc.cluster.local")));
  }

  @Test
  void syntaxErrorKeepsTheFilesLastGoodObjectsAndIsReportedUntilFixed() throws IOException {
    Files.writeString(dir.resolve("a.yaml"), service("a", "10.96.0.1"));
    Files.writeString(dir.resolve("b.yaml"), service("b", "10.96.0.2"));
    start();

    Files.writeString(dir.resolve("a.yaml"), "apiVersion: v1\nkind: Service\nmetadata: {name: a\n  oops: [\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> !registry.rejections().isEmpty());
    Rejection rejection = registry.rejections().get(0);
    assertThat(rejection.object()).isEqualTo(new ObjectKey("File", "", "a.yaml"));
    assertThat(rejection.reason()).startsWith("a.yaml: YAML syntax error at line")
        .doesNotContain("\n"); // one log line per event
    assertThat(hostnames()).containsExactly("a.default.svc.cluster.local", "b.default.svc.cluster.local");

    Files.writeString(dir.resolve("a.yaml"), service("a", "10.96.0.7"));
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.rejections().isEmpty());
    assertThat(registry.services().get(0).defaultAddress()).isEqualTo("10.96.0.7");
  }

  @Test
  void documentThatDoesNotDeserializeLosesOnlyItself() throws IOException {
    Files.writeString(dir.resolve("a.yaml"), service("good", "10.96.0.1") + """
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: broken, namespace: default}
        spec:
          ports: "not a list"
        """);
    start();
    assertThat(hostnames()).containsExactly("good.default.svc.cluster.local");
    assertThat(registry.rejections()).singleElement().satisfies(r -> {
      assertThat(r.object()).isEqualTo(new ObjectKey("Service", "default", "broken"));
      assertThat(r.reason()).startsWith("a.yaml: cannot read Service");
    });
  }

  private static final String TRAFFIC = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews, namespace: shop}
      spec:
        host: reviews.shop.svc.cluster.local
        subsets: [{name: %s, labels: {version: v1}}]
      ---
      apiVersion: networking.istio.io/v1beta1
      kind: VirtualService
      metadata: {name: reviews, namespace: shop}
      spec:
        hosts: [reviews.shop.svc.cluster.local]
        http: [{route: [{destination: {host: reviews.shop.svc.cluster.local, subset: v1}}], timeout: %s}]
      ---
      apiVersion: networking.istio.io/v1alpha3
      kind: Sidecar
      metadata: {name: default, namespace: shop}
      spec:
        egress: [{hosts: ["./*", "istio-system/*"]}]
      """;

  private List<ObjectKey> trafficKeys() {
    var configs = registry.trafficConfigs();
    return java.util.stream.Stream.of(configs.destinationRules(), configs.virtualServices(), configs.sidecars())
        .flatMap(List::stream).map(c -> c.meta().key()).toList();
  }

  private static final ObjectKey REVIEWS_DR = new ObjectKey("DestinationRule", "shop", "reviews");
  private static final ObjectKey REVIEWS_VS = new ObjectKey("VirtualService", "shop", "reviews");
  private static final ObjectKey SHOP_SIDECAR = new ObjectKey("Sidecar", "shop", "default");

  @Test
  void trafficConfigsOfEveryServedVersionAreLoaded() throws IOException {
    Files.writeString(dir.resolve("traffic.yaml"), TRAFFIC.formatted("v1", "10s"));

    start();

    assertThat(trafficKeys()).containsExactly(REVIEWS_DR, REVIEWS_VS, SHOP_SIDECAR);
    assertThat(registry.trafficConfigs().virtualServices().get(0).meta().source()).isEqualTo(source.name());
  }

  @Test
  void editedAndDeletedTrafficConfigsAreFollowed() throws IOException {
    Files.writeString(dir.resolve("traffic.yaml"), TRAFFIC.formatted("v1", "10s"));
    start();

    Files.writeString(dir.resolve("traffic.yaml"), TRAFFIC.formatted("v2", "10s"));
    await().atMost(Duration.ofSeconds(10)).until(() ->
        registry.trafficConfigs().destinationRules().get(0).spec().subsets().get(0).name().equals("v2"));

    Files.delete(dir.resolve("traffic.yaml"));
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.trafficConfigs().isEmpty());
  }

  @Test
  void invalidTrafficConfigIsRejectedAndTheOthersStay() throws IOException {
    Files.writeString(dir.resolve("traffic.yaml"), TRAFFIC.formatted("v1", "soon"));

    start();

    assertThat(trafficKeys()).containsExactly(REVIEWS_DR, SHOP_SIDECAR);
    assertThat(registry.rejections()).singleElement().satisfies(r -> {
      assertThat(r.object()).isEqualTo(REVIEWS_VS);
      assertThat(r.reason()).isEqualTo("spec.http[0].timeout: \"soon\" is not a duration (e.g. \"1.5s\", \"30ms\", \"1m\")");
    });

    Files.writeString(dir.resolve("traffic.yaml"), TRAFFIC.formatted("v1", "5s"));
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.rejections().isEmpty());
    assertThat(trafficKeys()).containsExactly(REVIEWS_DR, REVIEWS_VS, SHOP_SIDECAR);
  }

  @Test
  void syntaxErrorKeepsTheFilesLastGoodTrafficConfigs() throws IOException {
    Files.writeString(dir.resolve("traffic.yaml"), TRAFFIC.formatted("v1", "10s"));
    start();

    Files.writeString(dir.resolve("traffic.yaml"), "apiVersion: networking.istio.io/v1\nkind: Sidecar\nspec: [\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> !registry.rejections().isEmpty());

    assertThat(registry.rejections()).extracting(Rejection::object).containsExactly(new ObjectKey("File", "", "traffic.yaml"));
    assertThat(trafficKeys()).containsExactly(REVIEWS_DR, REVIEWS_VS, SHOP_SIDECAR);
  }

  @Test
  void skipsHiddenEntriesSuchAsAConfigMapMountsDataDirectory() throws IOException {
    Files.createDirectories(dir.resolve("..2024_01_01"));
    Files.writeString(dir.resolve("..2024_01_01/a.yaml"), service("hidden", "10.96.0.1"));
    Files.writeString(dir.resolve(".b.yaml"), service("hidden2", "10.96.0.2"));
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("sub/c.yaml"), service("visible", "10.96.0.3"));
    start();
    assertThat(hostnames()).containsExactly("visible.default.svc.cluster.local");
  }

  @Test
  void endpointsComeFromEndpointSlicesAndPodsInTheFiles() throws IOException {
    Files.writeString(dir.resolve("mesh.yaml"), service("reviews", "10.96.0.1") + """
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: reviews-1, namespace: default, labels: {app: reviews}}
        spec: {serviceAccountName: reviews, nodeName: n1}
        status: {podIP: 10.244.0.5, conditions: [{type: Ready, status: "True"}]}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: reviews-x, namespace: default, labels: {kubernetes.io/service-name: reviews}}
        addressType: IPv4
        ports: [{name: http, port: 9080}]
        endpoints:
        - addresses: [10.244.0.5]
          conditions: {ready: true}
          targetRef: {kind: Pod, name: reviews-1, namespace: default}
        """);
    start();
    List<Endpoint> endpoints = registry.endpointShards("reviews.default.svc.cluster.local", "default")
        .get("Kubernetes/Kubernetes");
    assertThat(endpoints).singleElement().satisfies(e -> {
      assertThat(e.address()).isEqualTo("10.244.0.5");
      assertThat(e.serviceAccount()).isEqualTo("spiffe://cluster.local/ns/default/sa/reviews");
    });
  }

  @Test
  void symlinkLoopAddedWhileRunningIsNotFollowedAndEmptiesNothing() throws IOException {
    Files.writeString(dir.resolve("a.yaml"), service("a", "10.96.0.1"));
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("sub/b.yaml"), service("b", "10.96.0.2"));
    start();

    Files.createSymbolicLink(dir.resolve("loop"), Path.of("."));
    Files.createSymbolicLink(dir.resolve("sub/up"), Path.of(".."));
    Files.writeString(dir.resolve("c.yaml"), service("c", "10.96.0.3"));

    await().atMost(Duration.ofSeconds(10)).until(() -> hostnames().size() == 3);
    assertThat(hostnames()).containsExactly("a.default.svc.cluster.local", "b.default.svc.cluster.local",
        "c.default.svc.cluster.local");
    assertThat(registry.rejections()).isEmpty();
  }

  @Test
  void directoryLinkedTwiceIsReadOnce() throws Exception {
    Files.createDirectories(dir.resolve("real"));
    Files.writeString(dir.resolve("real/a.yaml"), service("a", "10.96.0.1"));
    Files.createSymbolicLink(dir.resolve("alias"), Path.of("real"));
    Files.createSymbolicLink(dir.resolve("loop"), Path.of("."));

    ConfigTree tree = ConfigTree.list(dir.toRealPath());

    assertThat(tree.yamlFiles()).extracting(p -> dir.toRealPath().relativize(p).toString())
        .containsExactly("alias/a.yaml");
  }

  @Test
  void hiddenDirectoriesAreNotWalked() throws IOException {
    Files.writeString(dir.resolve("a.yaml"), service("a", "10.96.0.1"));
    start();

    // A loop inside a hidden directory: walking into it at all would fail the listing.
    Files.createDirectories(dir.resolve("..2024_01_01"));
    Files.createSymbolicLink(dir.resolve("..2024_01_01/loop"), Path.of(".."));
    Files.writeString(dir.resolve("b.yaml"), service("b", "10.96.0.2"));

    await().atMost(Duration.ofSeconds(10)).until(() -> hostnames().size() == 2);
    assertThat(registry.rejections()).isEmpty();
  }

  @Test
  void listingThatFailsPartWayKeepsTheLastStateAndIsReportedUntilAListingSucceeds() throws IOException {
    Files.writeString(dir.resolve("a.yaml"), service("a", "10.96.0.1"));
    Files.writeString(dir.resolve("b.yaml"), service("b", "10.96.0.2"));
    AtomicBoolean vanishing = new AtomicBoolean();
    source = new FileSource(dir, registry, root -> {
      if (vanishing.get()) {
        throw new ConfigTree.UnlistableException("..2024_01_01: NoSuchFileException");
      }
      return ConfigTree.list(root);
    }, Files::readAllBytes);
    source.start();

    vanishing.set(true);
    // A ConfigMap mount's data swap has the tree listed; once a listing failed, every change lists.
    Files.createDirectories(dir.resolve("..2024_01_01"));
    Files.delete(dir.resolve("b.yaml"));
    await().atMost(Duration.ofSeconds(10)).until(() -> !registry.rejections().isEmpty());

    assertThat(hostnames()).containsExactly("a.default.svc.cluster.local", "b.default.svc.cluster.local");
    assertThat(registry.rejections()).singleElement().satisfies(r -> {
      assertThat(r.object().kind()).isEqualTo("Directory");
      assertThat(r.reason()).isEqualTo("cannot list ..2024_01_01: NoSuchFileException; keeping the last good 2 objects");
    });
    assertThat(registry.rejectionCounts()).containsKey("Directory");
    assertThat(registry.synced()).isTrue();

    vanishing.set(false);
    Files.writeString(dir.resolve("c.yaml"), service("c", "10.96.0.3"));
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.rejections().isEmpty());
    assertThat(hostnames()).containsExactly("a.default.svc.cluster.local", "c.default.svc.cluster.local");
  }

  @Test
  void rootThatVanishesKeepsTheLastState() throws IOException {
    Path root = Files.createDirectories(dir.resolve("config"));
    Files.writeString(root.resolve("a.yaml"), service("a", "10.96.0.1"));
    source = new FileSource(root, registry);
    source.start();

    Files.delete(root.resolve("a.yaml"));
    Files.delete(root);

    await().atMost(Duration.ofSeconds(10)).until(() -> !registry.rejections().isEmpty());
    assertThat(registry.rejections().get(0).reason()).startsWith("cannot list " + root.toAbsolutePath());
    assertThat(hostnames()).containsExactly("a.default.svc.cluster.local");
  }

  @Test
  void fileCutShortInsideAnObjectsMetadataKeepsAllItsLastGoodObjects() throws IOException {
    String whole = service("a", "10.96.0.1") + "---\n" + service("b", "10.96.0.2");
    Files.writeString(dir.resolve("ab.yaml"), whole);
    Files.writeString(dir.resolve("c.yaml"), service("c", "10.96.0.3"));
    start();

    // What a reader sees while the file is rewritten in block style, cut inside the second name.
    Files.writeString(dir.resolve("ab.yaml"), service("a", "10.96.0.1") + "---\napiVersion: v1\nkind: Service\nmetadata:\n  na");

    await().atMost(Duration.ofSeconds(10)).until(() -> !registry.rejections().isEmpty());
    assertThat(registry.rejections()).singleElement().satisfies(r -> {
      assertThat(r.object()).isEqualTo(new ObjectKey("File", "", "ab.yaml"));
      assertThat(r.reason()).isEqualTo("ab.yaml: Service in document 2 has no metadata.name; keeping its last good 2 objects");
    });
    assertThat(hostnames()).containsExactly("a.default.svc.cluster.local", "b.default.svc.cluster.local",
        "c.default.svc.cluster.local");

    Files.writeString(dir.resolve("ab.yaml"), whole);
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.rejections().isEmpty());
  }

  @Test
  void fileTruncatedToNothingKeepsItsLastGoodObjects() throws IOException {
    Files.writeString(dir.resolve("a.yaml"), service("a", "10.96.0.1"));
    Files.writeString(dir.resolve("b.yaml"), service("b", "10.96.0.2"));
    start();

    Files.writeString(dir.resolve("a.yaml"), "");

    await().atMost(Duration.ofSeconds(10)).until(() -> !registry.rejections().isEmpty());
    assertThat(registry.rejections().get(0).reason()).startsWith("a.yaml: empty, as if cut short");
    assertThat(hostnames()).containsExactly("a.default.svc.cluster.local", "b.default.svc.cluster.local");

    Files.delete(dir.resolve("a.yaml"));
    await().atMost(Duration.ofSeconds(10)).until(() -> hostnames().equals(List.of("b.default.svc.cluster.local")));
    assertThat(registry.rejections()).isEmpty();
  }

  @Test
  void fileCutShortInsideACharacterKeepsItsLastGoodObjects() throws IOException {
    Files.writeString(dir.resolve("a.yaml"), service("a", "10.96.0.1"));
    start();

    byte[] text = (service("a", "10.96.0.9") + "# caf\u00e9").getBytes(StandardCharsets.UTF_8);
    Files.write(dir.resolve("a.yaml"), Arrays.copyOf(text, text.length - 1));

    await().atMost(Duration.ofSeconds(10)).until(() -> !registry.rejections().isEmpty());
    assertThat(registry.rejections().get(0).reason()).contains("not UTF-8");
    assertThat(registry.services().get(0).defaultAddress()).isEqualTo("10.96.0.1");
  }

  // Which files the source read, relative to the directory, since startCountingReads().
  private final List<Path> reads = new CopyOnWriteArrayList<>();

  private void startCountingReads() throws IOException {
    source = new FileSource(dir, registry, ConfigTree::list, file -> {
      reads.add(dir.relativize(file));
      return Files.readAllBytes(file);
    });
    source.start();
    reads.clear();
  }

  /** {@code svc-00.yaml} … one Service each, {@code svc-NN} at {@code 10.96.0.NN}. */
  private void writeServiceFiles(int count) throws IOException {
    for (int i = 0; i < count; i++) {
      String name = "svc-%02d".formatted(i);
      Files.writeString(dir.resolve(name + ".yaml"), service(name, "10.96.0." + i));
    }
  }

  private String addressOf(String name) {
    return registry.services().stream().filter(s -> s.hostname().equals(name + ".default.svc.cluster.local"))
        .map(Service::defaultAddress).findFirst().orElse("none");
  }

  /** What a source that has only ever listed the directory delivers. */
  private List<Service> freshLoad() throws IOException {
    MeshRegistry fresh = new MeshRegistry(RegistryConfig.defaults());
    try (FileSource full = new FileSource(dir, fresh)) {
      full.start();
    }
    return fresh.services();
  }

  @Test
  void editOfOneFileRereadsOnlyThatFile() throws IOException {
    writeServiceFiles(20);
    startCountingReads();

    try (LogCapture log = new LogCapture(FileSource.class)) {
      Files.writeString(dir.resolve("svc-07.yaml"), service("svc-07", "10.96.1.7"));

      await().atMost(Duration.ofSeconds(10)).until(() -> log.lines().contains(
          "config dir " + dir.toAbsolutePath().normalize() + ": 20 objects, 1 added or changed, 0 removed"));
    }
    assertThat(addressOf("svc-07")).isEqualTo("10.96.1.7");
    assertThat(reads).containsOnly(Path.of("svc-07.yaml")); // an editor's truncate and write may come apart
    assertThat(registry.services()).isEqualTo(freshLoad());
  }

  @Test
  void fileCreatedOrDeletedIsTheOnlyOneLookedAt() throws IOException {
    writeServiceFiles(20);
    startCountingReads();

    Files.writeString(dir.resolve("svc-20.yaml"), service("svc-20", "10.96.0.20"));
    await().atMost(Duration.ofSeconds(10)).until(() -> hostnames().size() == 21);
    assertThat(reads).containsOnly(Path.of("svc-20.yaml"));

    reads.clear();
    Files.delete(dir.resolve("svc-03.yaml"));
    await().atMost(Duration.ofSeconds(10)).until(() -> hostnames().size() == 20);
    assertThat(hostnames()).doesNotContain("svc-03.default.svc.cluster.local");
    assertThat(reads).isEmpty();
    assertThat(registry.services()).isEqualTo(freshLoad());
  }

  @Test
  void fileMovedIntoPlaceFromAHiddenTemporaryFileIsReadOnce() throws IOException {
    writeServiceFiles(20);
    startCountingReads();

    // as the load test's FileMeshStore and most tools that write atomically do
    Path temp = Files.createTempFile(dir, ".loadtest-", ".tmp");
    Files.writeString(temp, service("svc-05", "10.96.1.5"));
    Files.move(temp, dir.resolve("svc-05.yaml"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    await().atMost(Duration.ofSeconds(10)).until(() -> addressOf("svc-05").equals("10.96.1.5"));
    assertThat(reads).containsExactly(Path.of("svc-05.yaml"));
    assertThat(hostnames()).hasSize(20);
  }

  @Test
  void configMapDataSwapListsAndReadsTheTreeAgain() throws IOException {
    // The layout kubelet gives a mounted ConfigMap: visible links into ..data, a link to a timestamped directory.
    Path first = Files.createDirectories(dir.resolve("..2024_01_01_00_00_00.000000001"));
    Files.writeString(first.resolve("a.yaml"), service("a", "10.96.0.1"));
    Files.writeString(first.resolve("b.yaml"), service("b", "10.96.0.2"));
    Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
    Files.createSymbolicLink(dir.resolve("a.yaml"), Path.of("..data/a.yaml"));
    Files.createSymbolicLink(dir.resolve("b.yaml"), Path.of("..data/b.yaml"));
    startCountingReads();
    assertThat(hostnames()).hasSize(2);

    // kubelet's update: a new timestamped directory, a new link to it renamed over ..data, the old one removed
    Path second = Files.createDirectories(dir.resolve("..2024_01_01_00_01_00.000000002"));
    Files.writeString(second.resolve("a.yaml"), service("a", "10.96.1.1"));
    Files.writeString(second.resolve("b.yaml"), service("b", "10.96.1.2"));
    Files.createSymbolicLink(dir.resolve("..data_tmp"), second.getFileName());
    Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
    Files.delete(first.resolve("a.yaml"));
    Files.delete(first.resolve("b.yaml"));
    Files.delete(first);

    await().atMost(Duration.ofSeconds(10)).until(() ->
        addressOf("a").equals("10.96.1.1") && addressOf("b").equals("10.96.1.2"));
    assertThat(reads).contains(Path.of("a.yaml"), Path.of("b.yaml"));
    assertThat(registry.rejections()).isEmpty();
  }

  @Test
  void directoryMovedInIsListedAndItsFilesThenFollowedOneByOne() throws IOException {
    Files.writeString(dir.resolve("a.yaml"), service("a", "10.96.0.1"));
    startCountingReads();

    Path staging = Files.createDirectories(dir.resolve(".staging"));
    Files.writeString(staging.resolve("b.yaml"), service("b", "10.96.0.2"));
    Files.writeString(staging.resolve("c.yaml"), service("c", "10.96.0.3"));
    Files.move(staging, dir.resolve("sub"), StandardCopyOption.ATOMIC_MOVE);
    await().atMost(Duration.ofSeconds(10)).until(() -> hostnames().size() == 3);

    reads.clear();
    Files.writeString(dir.resolve("sub/b.yaml"), service("b", "10.96.1.2"));
    await().atMost(Duration.ofSeconds(10)).until(() -> addressOf("b").equals("10.96.1.2"));
    assertThat(reads).containsOnly(Path.of("sub/b.yaml"));
  }

  @Test
  void fileAddedToANewDirectoryAfterItsListingAndBeforeItsWatchIsFound() throws IOException {
    Files.writeString(dir.resolve("a.yaml"), service("a", "10.96.0.1"));
    Path sub = dir.resolve("sub");
    AtomicBoolean writerStillBusy = new AtomicBoolean();
    source = new FileSource(dir, registry, root -> {
      ConfigTree listed = ConfigTree.list(root);
      if (listed.directories().contains(sub) && writerStillBusy.compareAndSet(true, false)) {
        try { // no event will tell: the directory is not watched yet
          Files.writeString(sub.resolve("late.yaml"), service("late", "10.96.0.9"));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      return listed;
    }, Files::readAllBytes);
    source.start();

    writerStillBusy.set(true);
    Files.createDirectories(sub);

    await().atMost(Duration.ofSeconds(10)).until(() -> hostnames().contains("late.default.svc.cluster.local"));
  }

  @Test
  void objectDefinedInTwoFilesIsResolvedAsAListingResolvesIt() throws IOException {
    Files.writeString(dir.resolve("a.yaml"), service("x", "10.96.0.1"));
    Files.writeString(dir.resolve("b.yaml"), service("x", "10.96.0.2"));
    try (LogCapture log = new LogCapture(FileSource.class)) {
      startCountingReads();
      String xInBoth = "Service default/x is defined in both a.yaml and b.yaml; using b.yaml";
      assertThat(addressOf("x")).isEqualTo("10.96.0.2"); // the later file by path wins
      assertThat(log.count(xInBoth)).isEqualTo(1);

      // the losing definition changes: nothing to deliver, and the conflict is named again
      Files.writeString(dir.resolve("a.yaml"), service("x", "10.96.0.3"));
      await().atMost(Duration.ofSeconds(10)).until(() -> log.count(xInBoth) == 2);
      assertThat(addressOf("x")).isEqualTo("10.96.0.2");

      // the winning file drops it: the other definition shows
      Files.writeString(dir.resolve("b.yaml"), service("y", "10.96.0.4"));
      await().atMost(Duration.ofSeconds(10)).until(() -> addressOf("x").equals("10.96.0.3"));
      assertThat(addressOf("y")).isEqualTo("10.96.0.4");

      // a new, later file defines an object again: it wins
      Files.writeString(dir.resolve("c.yaml"), service("y", "10.96.0.5"));
      await().atMost(Duration.ofSeconds(10)).until(() -> addressOf("y").equals("10.96.0.5"));
      assertThat(log.count("Service default/y is defined in both b.yaml and c.yaml; using c.yaml")).isEqualTo(1);

      Files.delete(dir.resolve("c.yaml"));
      await().atMost(Duration.ofSeconds(10)).until(() -> addressOf("y").equals("10.96.0.4"));
    }
    assertThat(registry.services()).isEqualTo(freshLoad());
  }

  @Test
  void fileWithASecondNameThroughALinkFollowsEditsAsAListingDoes() throws IOException {
    Files.writeString(dir.resolve("a.yaml"), service("a", "10.96.0.1"));
    Files.createSymbolicLink(dir.resolve("b.yaml"), Path.of("a.yaml"));
    start();
    assertThat(hostnames()).containsExactly("a.default.svc.cluster.local");

    // Whichever name the listing kept, the edit through the other one must not add a second copy.
    Files.writeString(dir.resolve("a.yaml"), service("c", "10.96.0.3"));

    await().atMost(Duration.ofSeconds(10)).until(() -> hostnames().contains("c.default.svc.cluster.local"));
    assertThat(hostnames()).containsExactly("c.default.svc.cluster.local");
  }
}
