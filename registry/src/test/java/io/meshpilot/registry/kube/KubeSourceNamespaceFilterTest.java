package io.meshpilot.registry.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.networking.IstioKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code --watch-namespaces}: namespaced kinds come only from the listed namespaces; Nodes from the cluster. */
@EnableKubernetesMockClient(crud = true, https = false, kubernetesClientBuilderCustomizer = Http11MockClient.class)
class KubeSourceNamespaceFilterTest {
  private static final Duration AT_MOST = Duration.ofSeconds(20);

  KubernetesClient client;
  KubernetesMockServer server;

  private final RecordingSink sink = new RecordingSink();
  private KubeSource source;

  @BeforeAll
  static void quietMockServer() {
    MockServerLogs.quiet();
  }

  @BeforeEach
  void objectsInThreeNamespaces() {
    KubeObjects.installServiceEntryCrd(client);
    KubeObjects.installIstioCrd(client, IstioKind.DESTINATION_RULE, "v1");
    for (String ns : List.of("shop", "billing", "other")) {
      client.genericKubernetesResources(KubeObjects.istioContext(IstioKind.DESTINATION_RULE, "v1"))
          .resource(KubeObjects.destinationRule(ns, "cart", "v1")).create();
      client.resource(KubeObjects.service(ns, "cart")).create();
      client.resource(KubeObjects.slice(ns, "cart", "cart-abc")).create();
      client.resource(KubeObjects.pod(ns, "cart-1")).create();
      client.resource(KubeObjects.serviceEntry(ns, "payments")).create();
    }
    client.resource(KubeObjects.node("node-a")).create();
  }

  @AfterEach
  void closeSource() {
    if (source != null) {
      source.close();
    }
  }

  private void startWatching(Set<String> namespaces) {
    source = new KubeSource(client, sink, KubeSourceOptions.defaults().withNamespaces(namespaces));
    source.start();
    await().atMost(AT_MOST).until(sink::synced);
  }

  @Test
  void objectsOutsideTheWatchedNamespacesNeverReachTheSink() {
    startWatching(Set.of("shop", "billing"));

    assertThat(sink.versions().keySet()).containsExactlyInAnyOrder(
        new ObjectKey("Service", "shop", "cart"), new ObjectKey("Service", "billing", "cart"),
        new ObjectKey("EndpointSlice", "shop", "cart-abc"), new ObjectKey("EndpointSlice", "billing", "cart-abc"),
        new ObjectKey("Pod", "shop", "cart-1"), new ObjectKey("Pod", "billing", "cart-1"),
        new ObjectKey("ServiceEntry", "shop", "payments"), new ObjectKey("ServiceEntry", "billing", "payments"),
        new ObjectKey("DestinationRule", "shop", "cart"), new ObjectKey("DestinationRule", "billing", "cart"),
        new ObjectKey("Node", "", "node-a"));

    // A later object in "other" is not delivered; one created after it in a watched namespace is.
    client.resource(KubeObjects.pod("other", "cart-2")).create();
    client.resource(KubeObjects.pod("shop", "cart-2")).create();
    await().atMost(AT_MOST).until(() -> sink.versions().containsKey(new ObjectKey("Pod", "shop", "cart-2")));
    assertThat(sink.versions()).doesNotContainKey(new ObjectKey("Pod", "other", "cart-2"));
    assertThat(sink.calls()).noneMatch(c -> c.key() != null && "other".equals(c.key().namespace()));
  }

  @Test
  void namespacedKindsAreListedAndWatchedPerNamespaceAndNodesClusterWide() throws InterruptedException {
    startWatching(Set.of("shop"));

    List<String> paths = new ArrayList<>();
    for (RecordedRequest request; (request = server.takeRequest(0, java.util.concurrent.TimeUnit.SECONDS)) != null; ) {
      paths.add(request.getPath().replaceAll("\\?.*", ""));
    }
    assertThat(paths).contains("/api/v1/namespaces/shop/services", "/api/v1/namespaces/shop/pods",
        "/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices",
        "/apis/networking.istio.io/v1/namespaces/shop/serviceentries",
        "/apis/networking.istio.io/v1/namespaces/shop/destinationrules", "/api/v1/nodes");
    assertThat(paths).doesNotContain("/api/v1/services", "/api/v1/pods", "/apis/discovery.k8s.io/v1/endpointslices",
        "/apis/networking.istio.io/v1/serviceentries", "/apis/networking.istio.io/v1/destinationrules");
  }

  @Test
  void withoutNamespacesEveryNamespaceIsWatched() {
    startWatching(Set.of());

    assertThat(sink.versions().keySet()).filteredOn(k -> k.kind().equals("Pod"))
        .extracting(ObjectKey::namespace).containsExactlyInAnyOrder("shop", "billing", "other");
  }
}
