package io.meshpilot.registry.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.model.AutoAllocation;
import io.meshpilot.registry.model.Service;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A mesh moving from istiod: the VIPs istiod's IP autoallocate controller wrote into ServiceEntry
 * {@code status.addresses} are the ones meshpilot serves, and follow a status update; an entry whose
 * status has none gets the in-memory scheme's. Against fabric8's CRUD mock API server.
 */
@EnableKubernetesMockClient(crud = true, https = false, kubernetesClientBuilderCustomizer = Http11MockClient.class)
class ServiceEntryStatusVipsTest {
  private static final Duration AT_MOST = Duration.ofSeconds(20);

  KubernetesClient client;

  private final MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
  private KubeSource source;

  @BeforeAll
  static void quietMockServer() {
    MockServerLogs.quiet();
  }

  @BeforeEach
  void start() {
    KubeObjects.installServiceEntryCrd(client);
    serviceEntries().resource(withStatus(KubeObjects.serviceEntry("default", "moved"), "240.240.0.7", "2001:2::7"))
        .create();
    serviceEntries().resource(KubeObjects.serviceEntry("default", "fresh")).create();
    source = new KubeSource(client, registry, new KubeSourceOptions(true, Duration.ofSeconds(30)));
    source.start();
    await().atMost(AT_MOST).until(registry::synced);
  }

  @AfterEach
  void stop() {
    source.close();
  }

  @Test
  void statusVipsWinAndFollowTheStatusWhileOtherEntriesKeepTheInMemoryScheme() {
    await().atMost(AT_MOST).untilAsserted(() -> assertThat(vips()).containsExactlyInAnyOrder(
        tuple("moved.example.com", "240.240.0.7", "2001:2::7", AutoAllocation.STATUS),
        tuple("fresh.example.com", inMemory("fresh.example.com"), inMemoryV6("fresh.example.com"),
            AutoAllocation.IN_MEMORY)));

    GenericKubernetesResource moved = serviceEntries().withName("moved").get();
    serviceEntries().resource(withStatus(moved, "240.240.0.8", "2001:2::8")).update();

    await().atMost(AT_MOST).untilAsserted(() -> assertThat(vips())
        .contains(tuple("moved.example.com", "240.240.0.8", "2001:2::8", AutoAllocation.STATUS)));
  }

  private List<org.assertj.core.groups.Tuple> vips() {
    return registry.services().stream()
        .map(s -> tuple(s.hostname(), s.autoAllocatedIPv4Address(), s.autoAllocatedIPv6Address(), s.autoAllocation()))
        .toList();
  }

  /** What the in-memory scheme gives this host of namespace default when it is alone. */
  private static String inMemory(String host) {
    return alone(host).autoAllocatedIPv4Address();
  }

  private static String inMemoryV6(String host) {
    return alone(host).autoAllocatedIPv6Address();
  }

  private static Service alone(String host) {
    MeshRegistry single = new MeshRegistry(RegistryConfig.defaults());
    single.upsert("test", KubeObjects.serviceEntry("default", host.substring(0, host.indexOf('.'))));
    return single.services().get(0);
  }

  private static GenericKubernetesResource withStatus(GenericKubernetesResource se, String ipv4, String ipv6) {
    String host = se.getMetadata().getName() + ".example.com";
    se.getAdditionalProperties().put("status", Map.of("addresses", List.of(
        Map.of("host", host, "value", ipv4), Map.of("host", host, "value", ipv6))));
    return se;
  }

  private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<GenericKubernetesResource,
      io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
      io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> serviceEntries() {
    return client.genericKubernetesResources(KubeObjects.SERVICE_ENTRY_V1).inNamespace("default");
  }
}
