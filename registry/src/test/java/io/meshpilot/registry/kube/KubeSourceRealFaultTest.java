package io.meshpilot.registry.kube;

import static io.meshpilot.registry.kube.KubeObjects.relabel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.ObjectSink;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.realcluster.RealApiServer;
import io.meshpilot.registry.realcluster.RealApiServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Faults on a real kube-apiserver and etcd, with the Kubernetes source feeding a real
 * {@link MeshRegistry}: the API server stopped and started again, and etcd compacted while the
 * source is cut off (its watches then expire with 410 and it relists). After each, the source must
 * hold exactly what the server holds (nothing lost), each change delivered once (nothing
 * duplicated). Measurements are printed as {@code MEASURE ...} lines.
 */
class KubeSourceRealFaultTest {
  @RegisterExtension
  static final RealApiServerExtension KUBE = new RealApiServerExtension();

  private static final Duration OUTAGE = Duration.ofSeconds(10);
  /** fabric8 backs off watch reconnects exponentially (1 s doubling, at most 32 s) during an outage. */
  private static final Duration CONVERGE_WITHIN = Duration.ofSeconds(90);

  private final RecordingSink sink = new RecordingSink();
  private final MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable r : resources.reversed()) {
      r.close();
    }
  }

  @Test
  void apiServerStoppedForTenSecondsKeepsTheLastStateAndConvergesOnWhatChangedAfterItReturns() {
    RealApiServer server = KUBE.server();
    KubernetesClient admin = server.client();
    Fixture fixture = Fixture.seed(server, "outage");
    startSource(server.config(RealApiServer.ADMIN_TOKEN));
    Map<ObjectKey, String> before = sink.versions();
    assertThat(before).isEqualTo(serverState(admin));
    List<String> hostnamesBefore = hostnames();
    Map<String, Set<String>> endpointsBefore = fixture.endpointAddresses(registry);
    assertThat(endpointsBefore.values()).allSatisfy(addresses -> assertThat(addresses).hasSize(2));

    server.stopApiServer();
    // The outage itself: for all of it, the source and the registry keep the last state they had.
    await().during(OUTAGE).atMost(OUTAGE.plusSeconds(5)).until(() -> sink.versions().equals(before)
        && hostnames().equals(hostnamesBefore) && fixture.endpointAddresses(registry).equals(endpointsBefore));
    assertThat(registry.synced()).isTrue();

    server.startApiServer();
    long restarted = System.nanoTime();
    Changes changes = fixture.change(admin);
    long changed = System.nanoTime();
    Map<ObjectKey, String> expected = serverState(admin);
    await().atMost(CONVERGE_WITHIN).until(() -> sink.versions().equals(expected));
    long converged = System.nanoTime();

    assertNothingLostOrDuplicated(expected, changes);
    assertThat(fixture.endpointAddresses(registry)).isEqualTo(fixture.expectedAddressesAfterChange());
    assertThat(hostnames()).doesNotHaveDuplicates();
    System.out.printf("MEASURE api-server-restart outage=%ds objects=%d lost=%d converge_after_ready_ms=%d"
            + " converge_after_last_change_ms=%d%n", OUTAGE.toSeconds(), expected.size(), lost(expected),
        (converged - restarted) / 1_000_000, (converged - changed) / 1_000_000);
  }

  @Test
  void compactionWhileDisconnectedExpiresTheWatchesAndTheRelistLosesNothing() throws Exception {
    // Without the watch cache, a watch resuming from a compacted revision reaches etcd and gets
    // 410 Expired: the case a watch cache only hides until its own window runs out.
    try (RealApiServer server = RealApiServer.start("--watch-cache=false");
        // fabric8's Reflector logs the 410 it recovers from at DEBUG
        LogCapture gone = LogCapture.at("io.fabric8.kubernetes.client.informers.impl.cache.Reflector", Level.DEBUG)) {
      KubernetesClient admin = server.client();
      Fixture fixture = Fixture.seed(server, "compact");
      LoopbackProxy proxy = new LoopbackProxy(server.apiServerPort());
      resources.add(proxy);
      Config viaProxy = new ConfigBuilder(server.config(RealApiServer.ADMIN_TOKEN))
          .withMasterUrl("https://127.0.0.1:" + proxy.port()).build();
      startSource(viaProxy);
      assertThat(sink.versions()).isEqualTo(serverState(admin));

      proxy.cutAndRefuse();
      Changes changes = fixture.change(admin);
      long revision = server.etcdRevision();
      server.compactEtcd(revision);
      proxy.restore();
      long restored = System.nanoTime();

      Map<ObjectKey, String> expected = serverState(admin);
      await().atMost(CONVERGE_WITHIN).until(() -> sink.versions().equals(expected));
      long converged = System.nanoTime();

      assertNothingLostOrDuplicated(expected, changes);
      assertThat(fixture.endpointAddresses(registry)).isEqualTo(fixture.expectedAddressesAfterChange());
      long expired = gone.count("Watch restarting due to http gone");
      assertThat(expired).as("watches that got 410 Expired and relisted").isGreaterThanOrEqualTo(1);
      System.out.printf("MEASURE etcd-compaction compacted_to=%d objects=%d lost=%d watches_expired_410=%d"
          + " converge_after_reconnect_ms=%d%n", revision, expected.size(), lost(expected), expired,
          (converged - restored) / 1_000_000);
    }
  }

  private void startSource(Config config) {
    KubernetesClient client = RealApiServer.newClient(config);
    resources.add(client);
    KubeSource source = new KubeSource(client, new Tee(sink, registry), KubeSourceOptions.defaults());
    resources.add(source);
    source.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> sink.synced() && registry.synced());
  }

  /** Every change made is in the sink at its new version; each upsert and delete arrived exactly once. */
  private void assertNothingLostOrDuplicated(Map<ObjectKey, String> expected, Changes changes) {
    assertThat(lost(expected)).isZero();
    for (HasMetadata written : changes.written()) {
      ObjectKey key = ObjectKey.of(written);
      String version = written.getMetadata().getResourceVersion();
      assertThat(sink.calls().stream().filter(c -> c.op().equals("upsert") && c.key().equals(key)
          && version.equals(c.resourceVersion())).count()).as("upserts of %s at %s", key, version).isEqualTo(1);
    }
    for (ObjectKey key : changes.deleted()) {
      assertThat(sink.calls().stream().filter(c -> c.op().equals("delete") && c.key().equals(key)).count())
          .as("deletes of %s", key).isEqualTo(1);
    }
    // no version of any object was delivered twice
    Map<String, Long> deliveries = sink.calls().stream().filter(c -> c.op().equals("upsert"))
        .collect(Collectors.groupingBy(c -> c.key() + "@" + c.resourceVersion(), Collectors.counting()));
    assertThat(deliveries).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
  }

  /** Objects the server has that the sink lacks or holds at another version. */
  private long lost(Map<ObjectKey, String> expected) {
    Map<ObjectKey, String> held = sink.versions();
    return expected.entrySet().stream().filter(e -> !e.getValue().equals(held.get(e.getKey()))).count();
  }

  private List<String> hostnames() {
    return registry.services().stream().map(Service::hostname).toList();
  }

  private static Map<ObjectKey, String> serverState(KubernetesClient client) {
    return RealServerObjects.serverState(client, true);
  }

  /** What was written (at its new resourceVersion) and what was deleted. */
  record Changes(List<HasMetadata> written, List<ObjectKey> deleted) {}

  /**
   * Two Services with an EndpointSlice of two running pods each, two nodes, two ServiceEntries;
   * {@link #change} then creates, updates and deletes objects of every kind.
   */
  private record Fixture(String ns, String prefix, Map<String, HasMetadata> objects) {
    static Fixture seed(RealApiServer server, String prefix) {
      KubernetesClient client = server.client();
      RealServerObjects.installServiceEntryCrd(client);
      String ns = prefix + "-ns";
      server.createNamespace(ns);
      Map<String, HasMetadata> objects = new TreeMap<>();
      objects.put("node-a", client.resource(KubeObjects.node(prefix + "-node-a")).create());
      objects.put("node-b", client.resource(KubeObjects.node(prefix + "-node-b")).create());
      for (String app : List.of("cart", "orders")) {
        objects.put(app, client.resource(RealServerObjects.service(ns, app)).create());
        int base = app.equals("cart") ? 10 : 20;
        for (int i = 1; i <= 2; i++) {
          Pod pod = client.resource(RealServerObjects.pod(ns, app + "-" + i, app, app, prefix + "-node-a")).create();
          objects.put(app + "-" + i, RealServerObjects.markRunning(client, pod, "10.244.0." + (base + i)));
        }
        objects.put(app + "-slice", client.resource(slice(ns, app, base + 1, base + 2)).create());
      }
      objects.put("se-payments", client.resource(KubeObjects.serviceEntry(ns, "payments")).create());
      objects.put("se-billing", client.resource(KubeObjects.serviceEntry(ns, "billing")).create());
      return new Fixture(ns, prefix, objects);
    }

    /** Updates, creates and deletes one object of every kind (and the orders Service with its pods). */
    Changes change(KubernetesClient client) {
      List<HasMetadata> written = new ArrayList<>();
      List<ObjectKey> deleted = new ArrayList<>();
      Function<HasMetadata, HasMetadata> delete = o -> {
        // grace period 0: without a kubelet, a scheduled pod would stay Terminating forever
        client.resource(o).withGracePeriod(0).delete();
        deleted.add(ObjectKey.of(o));
        return o;
      };
      written.add(client.resource(relabel(objects.get("cart"), "2")).update());
      written.add(client.resource(RealServerObjects.service(ns, "users")).create());
      delete.apply(objects.get("orders"));
      delete.apply(objects.get("orders-slice"));
      delete.apply(objects.get("orders-1"));
      delete.apply(objects.get("orders-2"));
      Pod cart3 = client.resource(RealServerObjects.pod(ns, "cart-3", "cart", "cart", prefix + "-node-b")).create();
      written.add(RealServerObjects.markRunning(client, cart3, "10.244.0.13"));
      delete.apply(objects.get("cart-2"));
      written.add(client.resource(slice(ns, "cart", 11, 13)).update());
      written.add(client.resource(relabel(objects.get("node-a"), "2")).update());
      delete.apply(objects.get("node-b"));
      written.add(client.resource(relabel(objects.get("se-payments"), "2")).update());
      delete.apply(objects.get("se-billing"));
      written.add(client.resource(KubeObjects.serviceEntry(ns, "ledger")).create());
      return new Changes(written, deleted);
    }

    /** Endpoint addresses per service hostname of this fixture's namespace. */
    Map<String, Set<String>> endpointAddresses(MeshRegistry registry) {
      Map<String, Set<String>> out = new TreeMap<>();
      for (Service service : registry.services()) {
        if (service.hostname().endsWith("." + ns + ".svc.cluster.local")) {
          out.put(service.hostname(), registry.endpointShards(service.hostname(), ns).values().stream()
              .flatMap(List::stream).map(Endpoint::address).collect(Collectors.toCollection(java.util.TreeSet::new)));
        }
      }
      return out;
    }

    Map<String, Set<String>> expectedAddressesAfterChange() {
      return Map.of("cart." + ns + ".svc.cluster.local", Set.of("10.244.0.11", "10.244.0.13"),
          "users." + ns + ".svc.cluster.local", Set.of());
    }

    private static EndpointSlice slice(String ns, String app, int... hosts) {
      EndpointSliceBuilder builder = new EndpointSliceBuilder().withNewMetadata().withNamespace(ns)
          .withName(app + "-x").withLabels(Map.of("kubernetes.io/service-name", app)).endMetadata()
          .withAddressType("IPv4").addNewPort().withName("http").withPort(8080).endPort();
      for (int host : hosts) {
        String pod = app + "-" + (host % 10);
        builder.addNewEndpoint().withAddresses("10.244.0." + host).withNewConditions().withReady(true).endConditions()
            .withNewTargetRef().withKind("Pod").withNamespace(ns).withName(pod).endTargetRef().endEndpoint();
      }
      return builder.build();
    }
  }

  /** Delivers to two sinks: the recording one for assertions, the registry for what meshpilot serves. */
  private record Tee(ObjectSink first, ObjectSink second) implements ObjectSink {
    @Override
    public void upsert(String source, HasMetadata object) {
      first.upsert(source, object);
      second.upsert(source, object);
    }

    @Override
    public void delete(String source, HasMetadata object) {
      first.delete(source, object);
      second.delete(source, object);
    }

    @Override
    public void sourceStarted(String source) {
      first.sourceStarted(source);
      second.sourceStarted(source);
    }

    @Override
    public void sourceSynced(String source) {
      first.sourceSynced(source);
      second.sourceSynced(source);
    }
  }
}
