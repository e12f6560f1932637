package io.meshpilot.registry.kube;

import static io.meshpilot.registry.kube.KubeObjects.relabel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.networking.IstioKind;
import io.meshpilot.registry.realcluster.RealApiServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link KubeSourceTest}'s behaviours on a real kube-apiserver and etcd: what the informers see of
 * real resourceVersions, validation, CRD establishment and API discovery. The CRD-missing test runs
 * first, on a server without the ServiceEntry CRD, and installs it; the others find it installed.
 * Each test works in namespaces and on nodes of its own, so they share one server.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubeSourceRealServerTest {
  @RegisterExtension
  static final RealApiServerExtension KUBE = new RealApiServerExtension();

  private static final Duration AT_MOST = Duration.ofSeconds(30);
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  private final RecordingSink sink = new RecordingSink();
  private KubeSource source;

  @AfterEach
  void closeSource() {
    if (source != null) {
      source.close();
    }
  }

  private static KubernetesClient client() {
    return KUBE.server().client();
  }

  /** A new namespace for one test. */
  private static String namespace() {
    String name = "t" + NAMESPACES.incrementAndGet();
    KUBE.server().createNamespace(name);
    return name;
  }

  private void start(boolean useEndpointSlices, Duration crdRecheck) {
    source = new KubeSource(client(), sink, new KubeSourceOptions(useEndpointSlices, crdRecheck));
    source.start();
    await().atMost(AT_MOST).until(sink::synced);
  }

  @Test
  @Order(1)
  void missingServiceEntryCrdDoesNotBlockSyncAndIsWatchedOnceInstalled() {
    try (LogCapture log = new LogCapture(KubeSource.class);
        LogCapture discoveryLog = new LogCapture(IstioKindDiscovery.class)) {
      start(true, Duration.ofMillis(200));
      await().atMost(AT_MOST).until(() -> source.crdChecks() >= 3);
      assertThat(discoveryLog.count("ServiceEntry CRD (networking.istio.io) is not installed")).isEqualTo(1);

      RealServerObjects.installServiceEntryCrd(client());
      await().atMost(AT_MOST).until(() -> source.informer("ServiceEntry").isPresent()
          && source.informer("ServiceEntry").orElseThrow().current().hasSynced());
      String ns = namespace();
      HasMetadata created = client().resource(KubeObjects.serviceEntry(ns, "payments")).create();

      await().atMost(AT_MOST).until(() -> created.getMetadata().getResourceVersion()
          .equals(sink.versions().get(ObjectKey.of(created))));
      assertThat(log.count("appeared; watching ServiceEntries")).isEqualTo(1);
      assertThat(sink.count("synced")).isEqualTo(1);
    }
  }

  static Stream<Arguments> kinds() {
    return Stream.of(
        Arguments.of("Service", (Function<String, HasMetadata>) ns -> RealServerObjects.service(ns, "cart")),
        Arguments.of("EndpointSlice", (Function<String, HasMetadata>) ns -> KubeObjects.slice(ns, "cart", "cart-abc")),
        Arguments.of("Pod", (Function<String, HasMetadata>) ns -> KubeObjects.pod(ns, "cart-1")),
        Arguments.of("Node", (Function<String, HasMetadata>) ns -> KubeObjects.node("node-" + ns)),
        Arguments.of("ServiceEntry", (Function<String, HasMetadata>) ns -> KubeObjects.serviceEntry(ns, "payments")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  @Order(2)
  void createUpdateAndDeleteReachTheSink(String kind, Function<String, HasMetadata> object) {
    RealServerObjects.installServiceEntryCrd(client());
    String ns = namespace();
    start(true, Duration.ofSeconds(30));
    ObjectKey key = ObjectKey.of(object.apply(ns));

    HasMetadata created = client().resource(object.apply(ns)).create();
    await().atMost(AT_MOST).until(() -> created.getMetadata().getResourceVersion().equals(sink.versions().get(key)));

    HasMetadata updated = client().resource(relabel(created, "2")).update();
    await().atMost(AT_MOST).until(() -> updated.getMetadata().getResourceVersion().equals(sink.versions().get(key)));
    assertThat(sink.get(key).getMetadata().getLabels()).containsEntry("rev", "2");

    client().resource(updated).delete();
    await().atMost(AT_MOST).until(() -> !sink.versions().containsKey(key));
    assertThat(sink.calls()).allMatch(c -> c.source().equals("kubernetes"));
  }

  @Test
  @Order(3)
  void reportsStartedFirstAndSyncedAfterTheExistingObjectsAndHoldsExactlyTheServersState() {
    RealServerObjects.installServiceEntryCrd(client());
    String ns = namespace();
    client().resource(RealServerObjects.service(ns, "cart")).create();
    client().resource(KubeObjects.slice(ns, "cart", "cart-abc")).create();
    client().resource(KubeObjects.pod(ns, "cart-1")).create();
    client().resource(KubeObjects.node("node-" + ns)).create();
    client().resource(KubeObjects.serviceEntry(ns, "payments")).create();

    start(true, Duration.ofSeconds(30));

    var calls = sink.calls();
    assertThat(calls.get(0).op()).isEqualTo("started");
    assertThat(calls.stream().filter(c -> c.op().equals("synced"))).hasSize(1);
    int syncedAt = calls.indexOf(calls.stream().filter(c -> c.op().equals("synced")).findFirst().orElseThrow());
    assertThat(calls.subList(0, syncedAt)).extracting(c -> c.key() == null ? "" : c.key().kind())
        .contains("Service", "EndpointSlice", "Pod", "Node", "ServiceEntry");
    // The server's own objects (Service default/kubernetes and its EndpointSlice) arrive too.
    Map<ObjectKey, String> server = RealServerObjects.serverState(client(), true);
    assertThat(sink.versions()).isEqualTo(server).containsKey(new ObjectKey("Service", "default", "kubernetes"));
  }

  @Test
  @Order(4)
  void serviceEntriesArriveAsGenericResourcesOfKindServiceEntry() {
    RealServerObjects.installServiceEntryCrd(client());
    String ns = namespace();
    client().resource(KubeObjects.serviceEntry(ns, "payments")).create();

    start(true, Duration.ofSeconds(30));

    HasMetadata delivered = sink.get(new ObjectKey("ServiceEntry", ns, "payments"));
    assertThat(delivered).isInstanceOf(GenericKubernetesResource.class);
    assertThat(delivered.getApiVersion()).isEqualTo("networking.istio.io/v1");
    assertThat(((GenericKubernetesResource) delivered).getAdditionalProperties()).containsKey("spec");
  }

  @Test
  @Order(5)
  void endpointsModeWatchesCoreEndpointsInsteadOfSlices() {
    String ns = namespace();
    client().resource(KubeObjects.slice(ns, "cart", "cart-abc")).create();
    client().resource(KubeObjects.endpoints(ns, "cart")).create();

    start(false, Duration.ofSeconds(30));
    var created = client().resource(KubeObjects.endpoints(ns, "orders")).create();
    await().atMost(AT_MOST).until(() -> sink.versions().containsKey(ObjectKey.of(created)));

    assertThat(sink.versions().keySet()).extracting(ObjectKey::kind).doesNotContain("EndpointSlice");
    assertThat(sink.versions()).containsKey(new ObjectKey("Endpoints", ns, "cart"));
    client().resource(created).delete();
    await().atMost(AT_MOST).until(() -> !sink.versions().containsKey(ObjectKey.of(created)));
  }

  @Test
  @Order(6)
  void watchingSomeNamespacesNeedsReadAccessOnlyThereAndDeliversNothingFromElsewhere() {
    RealServerObjects.installServiceEntryCrd(client());
    String watched = namespace();
    String other = namespace();
    for (String ns : List.of(watched, other)) {
      client().resource(RealServerObjects.service(ns, "cart")).create();
      client().resource(KubeObjects.pod(ns, "cart-1")).create();
      client().resource(KubeObjects.serviceEntry(ns, "payments")).create();
    }
    // An identity that may read the namespaced kinds only in the watched namespace (a Role), and
    // Nodes plus API discovery cluster-wide: a cluster-wide list would be refused.
    String token = RealServerObjects.serviceAccountToken(client(), watched, "watcher", List.of(
        new PolicyRuleBuilder().withApiGroups("").withResources("services", "pods", "endpoints")
            .withVerbs("get", "list", "watch").build(),
        new PolicyRuleBuilder().withApiGroups("discovery.k8s.io").withResources("endpointslices")
            .withVerbs("get", "list", "watch").build(),
        new PolicyRuleBuilder().withApiGroups("networking.istio.io")
            .withResources("serviceentries", "destinationrules", "virtualservices", "sidecars", "workloadentries")
            .withVerbs("get", "list", "watch").build()), List.of(
        new PolicyRuleBuilder().withApiGroups("").withResources("nodes").withVerbs("get", "list", "watch").build(),
        new PolicyRuleBuilder().withNonResourceURLs("/apis/networking.istio.io/*").withVerbs("get").build()));
    try (KubernetesClient restricted = KUBE.server().newClient(token)) {
      source = new KubeSource(restricted, sink, KubeSourceOptions.defaults().withNamespaces(Set.of(watched)));
      source.start();
      await().atMost(AT_MOST).until(sink::synced);

      assertThat(sink.versions().keySet()).filteredOn(k -> !k.kind().equals("Node")).containsExactlyInAnyOrder(
          new ObjectKey("Service", watched, "cart"), new ObjectKey("Pod", watched, "cart-1"),
          new ObjectKey("ServiceEntry", watched, "payments"));
      client().resource(KubeObjects.pod(other, "cart-2")).create();
      client().resource(KubeObjects.pod(watched, "cart-2")).create();
      await().atMost(AT_MOST).until(() -> sink.versions().containsKey(new ObjectKey("Pod", watched, "cart-2")));
      assertThat(sink.calls()).noneMatch(c -> c.key() != null && other.equals(c.key().namespace()));
      source.close();
    }
  }

  @Test
  @Order(7)
  void stoppedInformerIsRebuiltAndDeliversTheDeletesItMissed() {
    String ns = namespace();
    var kept = client().resource(RealServerObjects.service(ns, "kept")).create();
    var doomed = client().resource(RealServerObjects.service(ns, "doomed")).create();
    start(true, Duration.ofSeconds(30));
    SupervisedInformer<?> services = source.informer("Service").orElseThrow();
    var first = services.current();

    first.stop();
    client().resource(doomed).delete();
    var added = client().resource(RealServerObjects.service(ns, "added")).create();

    await().atMost(AT_MOST).until(() -> services.current() != first && services.current().hasSynced());
    await().atMost(AT_MOST).until(() -> !sink.versions().containsKey(ObjectKey.of(doomed))
        && sink.versions().containsKey(ObjectKey.of(added)));
    assertThat(sink.versions()).containsKey(ObjectKey.of(kept));
    assertThat(services.rebuilds()).isEqualTo(1);
  }

  /**
   * The traffic kinds on a real API server: CRDs installed after the source started, each served
   * under another version, are found by discovery; their objects reach the registry, which accepts,
   * rejects and drops them as istiod does. Runs last: the CRDs it installs stay on the shared server.
   */
  @Test
  @Order(8)
  void trafficCrdsInstalledLaterAreWatchedUnderTheirServedVersionAndReachTheRegistry() {
    MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
    source = new KubeSource(client(), registry, new KubeSourceOptions(true, Duration.ofMillis(200)));
    source.start();
    await().atMost(AT_MOST).until(registry::synced);
    String ns = namespace();

    RealServerObjects.installIstioCrd(client(), IstioKind.DESTINATION_RULE, "v1");
    RealServerObjects.installIstioCrd(client(), IstioKind.VIRTUAL_SERVICE, "v1beta1");
    RealServerObjects.installIstioCrd(client(), IstioKind.SIDECAR, "v1alpha3");
    await().atMost(AT_MOST).until(() -> Stream.of("DestinationRule", "VirtualService", "Sidecar")
        .allMatch(kind -> source.informer(kind).map(i -> i.current().hasSynced()).orElse(false)));
    var rule = client().genericKubernetesResources(KubeObjects.istioContext(IstioKind.DESTINATION_RULE, "v1"))
        .resource(KubeObjects.destinationRule(ns, "reviews", "v1")).create();
    client().genericKubernetesResources(KubeObjects.istioContext(IstioKind.VIRTUAL_SERVICE, "v1beta1"))
        .resource(KubeObjects.virtualService(ns, "reviews", "v1beta1")).create();
    client().genericKubernetesResources(KubeObjects.istioContext(IstioKind.SIDECAR, "v1alpha3"))
        .resource(KubeObjects.sidecar(ns, "default", "v1alpha3")).create();

    await().atMost(AT_MOST).until(() -> registry.trafficConfigs().destinationRules().size() == 1
        && registry.trafficConfigs().virtualServices().size() == 1 && registry.trafficConfigs().sidecars().size() == 1);
    var accepted = registry.trafficConfigs().destinationRules().get(0).meta();
    assertThat(accepted.resourceVersion()).isEqualTo(rule.getMetadata().getResourceVersion());
    assertThat(accepted.creationTimestamp()).isNotEqualTo(java.time.Instant.EPOCH);
    assertThat(registry.trafficConfigs().virtualServices().get(0).meta().apiVersion())
        .isEqualTo("networking.istio.io/v1beta1");

    // An update the CRD's schema admits but istiod's validation refuses drops the rule.
    rule.getAdditionalProperties().put("spec", Map.of("host", "reviews", "subsets", List.of(Map.of("name", "V_1"))));
    client().genericKubernetesResources(KubeObjects.istioContext(IstioKind.DESTINATION_RULE, "v1"))
        .resource(rule).update();
    await().atMost(AT_MOST).until(() -> registry.trafficConfigs().destinationRules().isEmpty());
    assertThat(registry.rejections()).singleElement().satisfies(r -> {
      assertThat(r.object()).isEqualTo(new ObjectKey("DestinationRule", ns, "reviews"));
      assertThat(r.source()).isEqualTo("kubernetes");
      assertThat(r.reason()).contains("spec.subsets[0].name: subset name is invalid");
    });

    client().genericKubernetesResources(KubeObjects.istioContext(IstioKind.SIDECAR, "v1alpha3"))
        .inNamespace(ns).withName("default").delete();
    await().atMost(AT_MOST).until(() -> registry.trafficConfigs().sidecars().isEmpty());
  }

  @Test
  @Order(9)
  void aLiveWatchOfAnIdleKindIsProbedAndHearsABookmarkInsteadOfBeingRebuiltWhileAnotherKindChurns() {
    RealServerObjects.installServiceEntryCrd(client());
    String ns = namespace();
    client().resource(KubeObjects.serviceEntry(ns, "payments")).create();
    HasMetadata slice = client().resource(KubeObjects.slice(ns, "cart", "cart-abc")).create();
    ScheduledExecutorService churn = Executors.newSingleThreadScheduledExecutor();
    try (LogCapture log = new LogCapture(SupervisedInformer.class)) {
      start(true, Duration.ofSeconds(30));
      SupervisedInformer<?> entries = source.informer("ServiceEntry").orElseThrow();
      String listed = entries.current().lastSyncResourceVersion();
      AtomicInteger updates = new AtomicInteger();
      // EndpointSlices change every two seconds; ServiceEntries never do, so kube-apiserver has nothing
      // to send their watch until the probe's read brings their watch cache up to date.
      churn.scheduleWithFixedDelay(() -> client().resource(relabel(client().resource(slice).get(),
          Integer.toString(updates.incrementAndGet()))).update(), 0, 2, TimeUnit.SECONDS);

      await().atMost(Duration.ofMinutes(2)).until(() -> entries.probes() > 0
          && !listed.equals(entries.current().lastSyncResourceVersion()));
      assertThat(entries.rebuilds()).isZero();
      assertThat(log.count("nothing arrived")).isZero();
      assertThat(updates.get()).as("the slices churned meanwhile").isGreaterThan(3);
    } finally {
      churn.shutdownNow();
    }
  }
}
