package io.meshpilot.registry.kube;

import static io.meshpilot.registry.kube.KubeObjects.relabel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.meshpilot.registry.ObjectKey;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A source whose connections to the API server are cut and refused for a while loses nothing. */
@EnableKubernetesMockClient(crud = true, https = false, kubernetesClientBuilderCustomizer = Http11MockClient.class)
class KubeSourceWatchRecoveryTest {
  KubernetesClient client;
  KubernetesMockServer server;

  private LoopbackProxy proxy;
  private KubernetesClient proxied;
  private KubeSource source;

  @BeforeAll
  static void quietMockServer() {
    MockServerLogs.quiet();
  }

  @AfterEach
  void tearDown() {
    if (source != null) {
      source.close();
    }
    if (proxied != null) {
      proxied.close();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  void sinkEndsEqualToTheServerAfterAnOutageWithChangesOfEveryKind() throws Exception {
    KubeObjects.installServiceEntryCrd(client);
    var cart = client.resource(KubeObjects.service("shop", "cart")).create();
    var orders = client.resource(KubeObjects.service("shop", "orders")).create();
    var cartSlice = client.resource(KubeObjects.slice("shop", "cart", "cart-abc")).create();
    var ordersSlice = client.resource(KubeObjects.slice("shop", "orders", "orders-abc")).create();
    var pod1 = client.resource(KubeObjects.pod("shop", "cart-1")).create();
    var pod2 = client.resource(KubeObjects.pod("shop", "cart-2")).create();
    var nodeA = client.resource(KubeObjects.node("node-a")).create();
    var nodeB = client.resource(KubeObjects.node("node-b")).create();
    var payments = client.resource(KubeObjects.serviceEntry("shop", "payments")).create();
    var billing = client.resource(KubeObjects.serviceEntry("shop", "billing")).create();

    proxy = new LoopbackProxy(URI.create(server.url("/")).getPort());
    Config config = new ConfigBuilder(client.getConfiguration())
        .withMasterUrl("http://127.0.0.1:" + proxy.port() + "/")
        .withRequestRetryBackoffInterval(100)
        .withRequestRetryBackoffLimit(3)
        .build();
    proxied = new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(Http11MockClient.factory()).build();
    RecordingSink sink = new RecordingSink();
    source = new KubeSource(proxied, sink, new KubeSourceOptions(true, Duration.ofSeconds(30)));
    source.start();
    await().atMost(Duration.ofSeconds(20)).until(sink::synced);
    assertThat(sink.versions()).isEqualTo(serverState());

    proxy.cutAndRefuse();
    // The CRUD mock keeps no history: a watch that resumes from an old resourceVersion misses what
    // changed meanwhile (deletes above all). A real API server replays those events or reports 410
    // Expired; the proxy reports 410 to the first resumed watch of each kind, so every informer must
    // relist after the outage.
    proxy.expireFirstResumedWatchOfEachPath();
    List<HasMetadata> changes = new ArrayList<>();
    changes.add(client.resource(relabel(cart, "2")).update());
    client.resource(orders).delete();
    changes.add(client.resource(KubeObjects.service("shop", "users")).create());
    changes.add(client.resource(relabel(cartSlice, "2")).update());
    client.resource(ordersSlice).delete();
    changes.add(client.resource(relabel(pod1, "2")).update());
    client.resource(pod2).delete();
    changes.add(client.resource(KubeObjects.pod("shop", "cart-3")).create());
    changes.add(client.resource(relabel(nodeA, "2")).update());
    client.resource(nodeB).delete();
    changes.add(client.resource(relabel(payments, "2")).update());
    client.resource(billing).delete();
    changes.add(client.resource(KubeObjects.serviceEntry("shop", "ledger")).create());
    // While refused, the source still holds the old state.
    assertThat(sink.versions()).containsKey(ObjectKey.of(orders));
    proxy.restore();

    Map<ObjectKey, String> expected = serverState();
    assertThat(expected).doesNotContainKey(ObjectKey.of(orders)).hasSize(8);
    // fabric8 retries on its own; a stalled retry is rebuilt after KubeSource.STALL_TIMEOUT, and a watch
    // that went deaf (its connection was cut while frames it had read still waited for fabric8, and the
    // JDK WebSocket client then never reports the end) KubeSource.SILENCE_TIMEOUT after the probe that
    // follows KubeSource.PROBE_AFTER of silence.
    await().atMost(Duration.ofSeconds(150)).untilAsserted(() -> assertThat(sink.versions()).isEqualTo(expected));
    assertThat(proxy.goneAnswers()).isGreaterThanOrEqualTo(5);
    assertThat(changes).allSatisfy(c -> assertThat(sink.versions()).containsEntry(ObjectKey.of(c),
        c.getMetadata().getResourceVersion()));
  }

  private Map<ObjectKey, String> serverState() {
    Map<ObjectKey, String> out = new TreeMap<>();
    List<HasMetadata> all = new ArrayList<>();
    all.addAll(client.services().inAnyNamespace().list().getItems());
    all.addAll(client.discovery().v1().endpointSlices().inAnyNamespace().list().getItems());
    all.addAll(client.pods().inAnyNamespace().list().getItems());
    all.addAll(client.nodes().list().getItems());
    all.addAll(client.genericKubernetesResources(KubeObjects.SERVICE_ENTRY_V1).inAnyNamespace().list().getItems());
    for (HasMetadata o : all) {
      String kind = o.getKind() == null ? "ServiceEntry" : o.getKind();
      out.put(new ObjectKey(kind, o.getMetadata().getNamespace(), o.getMetadata().getName()),
          o.getMetadata().getResourceVersion());
    }
    return out;
  }
}
