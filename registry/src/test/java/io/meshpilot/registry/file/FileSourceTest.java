package io.meshpilot.registry.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.Rejection;
import io.meshpilot.registry.model.AutoAllocation;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.Service;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
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
    // A ConfigMap mount's data swap has the tree listed; a deletion in the same batch waits for the listing.
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
}
