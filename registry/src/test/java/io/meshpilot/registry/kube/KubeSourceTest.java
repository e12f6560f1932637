package io.meshpilot.registry.kube;

import static io.meshpilot.registry.kube.KubeObjects.relabel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.networking.IstioKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@EnableKubernetesMockClient(crud = true, https = false, kubernetesClientBuilderCustomizer = Http11MockClient.class)
class KubeSourceTest {
  private static final Duration AT_MOST = Duration.ofSeconds(20);

  KubernetesClient client;
  KubernetesMockServer server;

  private final RecordingSink sink = new RecordingSink();
  private KubeSource source;

  @BeforeAll
  static void quietMockServer() {
    MockServerLogs.quiet();
  }

  @AfterEach
  void closeSource() {
    if (source != null) {
      source.close();
    }
  }

  private KubeSource start(boolean useEndpointSlices, Duration crdRecheck) {
    source = new KubeSource(client, sink, new KubeSourceOptions(useEndpointSlices, crdRecheck));
    source.start();
    return source;
  }

  private void awaitSynced() {
    await().atMost(AT_MOST).until(sink::synced);
  }

  static Stream<Arguments> kinds() {
    return Stream.of(
        Arguments.of("Service", (Supplier<HasMetadata>) () -> KubeObjects.service("shop", "cart")),
        Arguments.of("EndpointSlice", (Supplier<HasMetadata>) () -> KubeObjects.slice("shop", "cart", "cart-abc")),
        Arguments.of("Pod", (Supplier<HasMetadata>) () -> KubeObjects.pod("shop", "cart-1")),
        Arguments.of("Node", (Supplier<HasMetadata>) () -> KubeObjects.node("node-a")),
        Arguments.of("ServiceEntry", (Supplier<HasMetadata>) () -> KubeObjects.serviceEntry("shop", "payments")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void createUpdateAndDeleteReachTheSink(String kind, Supplier<HasMetadata> object) {
    KubeObjects.installServiceEntryCrd(client);
    start(true, Duration.ofSeconds(30));
    awaitSynced();
    ObjectKey key = ObjectKey.of(object.get());

    HasMetadata created = client.resource(object.get()).create();
    await().atMost(AT_MOST).until(() -> created.getMetadata().getResourceVersion().equals(sink.versions().get(key)));

    HasMetadata updated = client.resource(relabel(created, "2")).update();
    await().atMost(AT_MOST).until(() -> updated.getMetadata().getResourceVersion().equals(sink.versions().get(key)));
    assertThat(sink.get(key).getMetadata().getLabels()).containsEntry("rev", "2");

    client.resource(updated).delete();
    await().atMost(AT_MOST).until(() -> !sink.versions().containsKey(key));
    assertThat(sink.calls()).allMatch(c -> c.source().equals("kubernetes"));
  }

  @Test
  void informerCacheKeepsOnlyKeysAndLabelsWhileTheSinkGetsTheFullObject() {
    client.pods().resource(KubeObjects.pod("shop", "cart-1")).create();
    start(true, Duration.ofSeconds(30));
    awaitSynced();

    io.fabric8.kubernetes.api.model.Pod delivered = (io.fabric8.kubernetes.api.model.Pod)
        sink.get(new io.meshpilot.registry.ObjectKey("Pod", "shop", "cart-1"));
    assertThat(delivered.getSpec().getContainers()).isNotEmpty();
    @SuppressWarnings("unchecked")
    List<io.fabric8.kubernetes.api.model.Pod> cached = (List<io.fabric8.kubernetes.api.model.Pod>)
        (List<?>) source.informer("Pod").orElseThrow().current().getStore().list();
    assertThat(cached).singleElement().satisfies(pod -> {
      assertThat(pod.getMetadata().getName()).isEqualTo("cart-1");
      assertThat(pod.getMetadata().getLabels()).containsEntry("app", "cart-1");
      assertThat(pod.getSpec()).isNull();
    });
  }

  @Test
  void reportsStartedFirstAndSyncedAfterTheExistingObjects() {
    KubeObjects.installServiceEntryCrd(client);
    client.resource(KubeObjects.service("shop", "cart")).create();
    client.resource(KubeObjects.slice("shop", "cart", "cart-abc")).create();
    client.resource(KubeObjects.pod("shop", "cart-1")).create();
    client.resource(KubeObjects.node("node-a")).create();
    client.resource(KubeObjects.serviceEntry("shop", "payments")).create();

    start(true, Duration.ofSeconds(30));
    awaitSynced();

    var calls = sink.calls();
    assertThat(calls.get(0).op()).isEqualTo("started");
    assertThat(calls.stream().filter(c -> c.op().equals("synced"))).hasSize(1);
    int syncedAt = calls.indexOf(calls.stream().filter(c -> c.op().equals("synced")).findFirst().orElseThrow());
    assertThat(calls.subList(0, syncedAt)).extracting(c -> c.key() == null ? "" : c.key().kind())
        .contains("Service", "EndpointSlice", "Pod", "Node", "ServiceEntry");
  }

  @Test
  void serviceEntriesArriveAsGenericResourcesOfKindServiceEntry() {
    KubeObjects.installServiceEntryCrd(client);
    client.resource(KubeObjects.serviceEntry("shop", "payments")).create();

    start(true, Duration.ofSeconds(30));
    awaitSynced();

    HasMetadata delivered = sink.get(new ObjectKey("ServiceEntry", "shop", "payments"));
    assertThat(delivered).isInstanceOf(GenericKubernetesResource.class);
    assertThat(delivered.getApiVersion()).isEqualTo("networking.istio.io/v1");
    assertThat(((GenericKubernetesResource) delivered).getAdditionalProperties()).containsKey("spec");
  }

  @Test
  void endpointsModeWatchesCoreEndpointsInsteadOfSlices() {
    client.resource(KubeObjects.slice("shop", "cart", "cart-abc")).create();
    client.resource(KubeObjects.endpoints("shop", "cart")).create();

    start(false, Duration.ofSeconds(30));
    awaitSynced();
    var created = client.resource(KubeObjects.endpoints("shop", "orders")).create();
    await().atMost(AT_MOST).until(() -> sink.versions().containsKey(ObjectKey.of(created)));

    assertThat(sink.versions().keySet()).extracting(ObjectKey::kind).containsOnly("Endpoints");
    client.resource(created).delete();
    await().atMost(AT_MOST).until(() -> !sink.versions().containsKey(ObjectKey.of(created)));
  }

  @Test
  void missingServiceEntryCrdDoesNotBlockSyncAndIsWatchedOnceInstalled() {
    try (LogCapture log = new LogCapture(KubeSource.class);
        LogCapture discoveryLog = new LogCapture(IstioKindDiscovery.class)) {
      start(true, Duration.ofMillis(100));
      awaitSynced();
      await().atMost(AT_MOST).until(() -> source.crdChecks() >= 3);
      assertThat(discoveryLog.count("ServiceEntry CRD (networking.istio.io) is not installed; ServiceEntries are "
          + "ignored until it appears, rechecking every 100ms")).isEqualTo(1);

      KubeObjects.installServiceEntryCrd(client);
      await().atMost(AT_MOST).until(() -> source.informer("ServiceEntry").isPresent());
      await().atMost(AT_MOST).until(() -> source.informer("ServiceEntry").orElseThrow().current().hasSynced());
      var created = client.resource(KubeObjects.serviceEntry("shop", "payments")).create();

      await().atMost(AT_MOST).until(() -> sink.versions().containsKey(ObjectKey.of(created)));
      assertThat(log.count("appeared; watching ServiceEntries")).isEqualTo(1);
      assertThat(sink.count("synced")).isEqualTo(1);
    }
  }

  static Stream<Arguments> trafficKinds() {
    return Stream.of(
        Arguments.of(IstioKind.DESTINATION_RULE, "v1", (Supplier<GenericKubernetesResource>)
            () -> KubeObjects.destinationRule("shop", "reviews", "v1")),
        Arguments.of(IstioKind.VIRTUAL_SERVICE, "v1beta1", (Supplier<GenericKubernetesResource>)
            () -> KubeObjects.virtualService("shop", "reviews", "v1beta1")),
        Arguments.of(IstioKind.SIDECAR, "v1alpha3", (Supplier<GenericKubernetesResource>)
            () -> KubeObjects.sidecar("shop", "default", "v1alpha3")));
  }

  @ParameterizedTest
  @MethodSource("trafficKinds")
  void trafficKindIsWatchedUnderTheVersionItsCrdServes(IstioKind kind, String version,
      Supplier<GenericKubernetesResource> object) {
    KubeObjects.installIstioCrd(client, kind, version);
    var existing = client.genericKubernetesResources(KubeObjects.istioContext(kind, version))
        .resource(object.get()).create();

    start(true, Duration.ofSeconds(30));
    awaitSynced();

    assertThat(sink.versions()).containsKey(ObjectKey.of(existing));
    HasMetadata delivered = sink.get(ObjectKey.of(existing));
    assertThat(delivered.getApiVersion()).isEqualTo("networking.istio.io/" + version);
    client.genericKubernetesResources(KubeObjects.istioContext(kind, version)).resource(existing).delete();
    await().atMost(AT_MOST).until(() -> !sink.versions().containsKey(ObjectKey.of(existing)));
  }

  @Test
  void trafficCrdInstalledAfterStartIsWatchedOnceItAppears() {
    try (LogCapture log = new LogCapture(KubeSource.class)) {
      start(true, Duration.ofMillis(100));
      awaitSynced();
      await().atMost(AT_MOST).until(() -> source.crdChecks() >= 2);

      KubeObjects.installIstioCrd(client, IstioKind.VIRTUAL_SERVICE, "v1");
      await().atMost(AT_MOST).until(() -> source.informer("VirtualService").isPresent()
          && source.informer("VirtualService").orElseThrow().current().hasSynced());
      var created = client.genericKubernetesResources(KubeObjects.istioContext(IstioKind.VIRTUAL_SERVICE, "v1"))
          .resource(KubeObjects.virtualService("shop", "reviews", "v1")).create();

      await().atMost(AT_MOST).until(() -> sink.versions().containsKey(ObjectKey.of(created)));
      assertThat(log.count("VirtualService CRD (networking.istio.io/v1) appeared; watching VirtualServices"))
          .isEqualTo(1);
      assertThat(source.informer("DestinationRule")).isEmpty();
    }
  }

  @Test
  void stoppedInformerIsRebuiltAndDeliversTheDeletesItMissed() {
    var kept = client.resource(KubeObjects.service("shop", "kept")).create();
    var doomed = client.resource(KubeObjects.service("shop", "doomed")).create();
    start(true, Duration.ofSeconds(30));
    awaitSynced();
    SupervisedInformer<?> services = source.informer("Service").orElseThrow();
    var first = services.current();

    first.stop();
    client.resource(doomed).delete();
    var added = client.resource(KubeObjects.service("shop", "added")).create();

    await().atMost(AT_MOST).until(() -> services.current() != first && services.current().hasSynced());
    await().atMost(AT_MOST).until(() -> !sink.versions().containsKey(ObjectKey.of(doomed))
        && sink.versions().containsKey(ObjectKey.of(added)));
    assertThat(sink.versions()).containsKey(ObjectKey.of(kept));
    assertThat(services.rebuilds()).isEqualTo(1);
  }

  @Test
  void unparseableObjectIsCountedAndTheInformerRecoversOnceItIsGone() throws Exception {
    start(true, Duration.ofSeconds(30));
    awaitSynced();
    SupervisedInformer<?> services = source.informer("Service").orElseThrow();

    String bad = """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"bad","namespace":"shop"},
         "spec":{"ports":[{"name":"http","port":"not-a-number"}]}}""";
    try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      rawCreateAndDeleteUnparseableService(http, bad, services);
    }
    var good = client.resource(KubeObjects.service("shop", "good")).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> sink.versions().containsKey(ObjectKey.of(good)));
    assertThat(services.current().isRunning()).isTrue();
    assertThat(sink.versions()).doesNotContainKey(new ObjectKey("Service", "shop", "bad"));
  }

  /** Raw HTTP, closed afterwards so no keep-alive connection outlives the test and blocks the mock's shutdown. */
  private void rawCreateAndDeleteUnparseableService(HttpClient http, String bad, SupervisedInformer<?> services)
      throws Exception {
    HttpResponse<String> created = http.send(
        HttpRequest.newBuilder(URI.create(server.url("/api/v1/namespaces/shop/services")))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(bad)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).isBetween(200, 299);
    await().atMost(AT_MOST).until(() -> services.failures() > 0);

    // fabric8's typed client cannot delete it either: it parses the deleted object it gets back.
    HttpResponse<String> deleted = http.send(
        HttpRequest.newBuilder(URI.create(server.url("/api/v1/namespaces/shop/services/bad"))).DELETE().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(deleted.statusCode()).isBetween(200, 299);
  }
}
