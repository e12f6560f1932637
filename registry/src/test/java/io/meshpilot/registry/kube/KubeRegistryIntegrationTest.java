package io.meshpilot.registry.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.Rejection;
import io.meshpilot.registry.model.Endpoint;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes path end to end against fabric8's CRUD mock API server: informers deliver to a real
 * {@link MeshRegistry}, and what the registry serves follows creates, updates and deletes of every
 * kind, while invalid and malformed ServiceEntries are rejected without disturbing the rest.
 */
@EnableKubernetesMockClient(crud = true, https = false, kubernetesClientBuilderCustomizer = Http11MockClient.class)
class KubeRegistryIntegrationTest {
  private static final Duration AT_MOST = Duration.ofSeconds(20);
  private static final String REVIEWS = "reviews.default.svc.cluster.local";

  KubernetesClient client;

  private final MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
  private KubeSource source;

  @BeforeAll
  static void quietMockServer() {
    MockServerLogs.quiet();
  }

  @BeforeEach
  void seedClusterAndStart() {
    KubeObjects.installServiceEntryCrd(client);
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a")
        .withLabels(Map.of("topology.kubernetes.io/region", "r1", "topology.kubernetes.io/zone", "z1"))
        .endMetadata().build()).create();
    client.pods().resource(pod("reviews-1", "10.244.0.1")).create();
    client.services().resource(service("10.96.0.10")).create();
    client.discovery().v1().endpointSlices().resource(slice("reviews-1")).create();
    serviceEntries().resource(serviceEntry("api", "api.example.com", 443)).create();
    serviceEntries().resource(serviceEntry("wildcard-all", "*", 443)).create();
    serviceEntries().resource(serviceEntry("typo", "typo.example.com", "abc")).create();

    source = new KubeSource(client, registry, new KubeSourceOptions(true, Duration.ofSeconds(30)));
    source.start();
    await().atMost(AT_MOST).until(registry::synced);
  }

  @AfterEach
  void stop() {
    source.close();
  }

  @Test
  void registryFollowsEveryKindAndRejectsBadServiceEntriesWithoutDisturbingTheRest() {
    assertThat(hostnames()).containsExactly(REVIEWS, "api.example.com");
    assertThat(endpoints()).singleElement().satisfies(e -> {
      assertThat(e.address()).isEqualTo("10.244.0.1");
      assertThat(e.locality().label()).isEqualTo("r1/z1/");
      assertThat(e.serviceAccount()).isEqualTo("spiffe://cluster.local/ns/default/sa/reviews");
    });
    assertThat(registry.rejections()).extracting(Rejection::object).containsExactly(
        new ObjectKey("ServiceEntry", "default", "typo"), new ObjectKey("ServiceEntry", "default", "wildcard-all"));
    assertThat(registry.rejections()).extracting(Rejection::reason)
        .anySatisfy(r -> assertThat(r).contains("spec.ports[0].number"))
        .anySatisfy(r -> assertThat(r).contains("spec.hosts[0]"));

    // update: Service VIP, a second pod and endpoint
    client.services().resource(service("10.96.0.11")).update();
    client.pods().resource(pod("reviews-2", "10.244.0.2")).create();
    client.discovery().v1().endpointSlices().resource(slice("reviews-1", "reviews-2")).update();
    await().atMost(AT_MOST).until(() -> registry.services().get(0).defaultAddress().equals("10.96.0.11")
        && endpoints().size() == 2);

    // a fixed ServiceEntry is accepted and its rejection cleared; a deleted one takes its rejection along
    serviceEntries().resource(serviceEntry("wildcard-all", "fixed.example.com", 443)).update();
    serviceEntries().withName("typo").delete();
    await().atMost(AT_MOST).until(() -> registry.rejections().isEmpty());
    assertThat(hostnames()).containsExactly(REVIEWS, "api.example.com", "fixed.example.com");

    // deletes
    client.discovery().v1().endpointSlices().inNamespace("default").withName("reviews-x").delete();
    await().atMost(AT_MOST).until(() -> endpoints().isEmpty());
    client.services().inNamespace("default").withName("reviews").delete();
    serviceEntries().withName("api").delete();
    await().atMost(AT_MOST).untilAsserted(() -> assertThat(hostnames()).containsExactly("fixed.example.com"));
  }

  private List<String> hostnames() {
    return registry.services().stream().map(io.meshpilot.registry.model.Service::hostname).toList();
  }

  private List<Endpoint> endpoints() {
    return registry.endpointShards(REVIEWS, "default").getOrDefault("Kubernetes/Kubernetes", List.of());
  }

  private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<GenericKubernetesResource,
      io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
      io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> serviceEntries() {
    return client.genericKubernetesResources(KubeObjects.SERVICE_ENTRY_V1).inNamespace("default");
  }

  private static Service service(String clusterIp) {
    return new ServiceBuilder().withNewMetadata().withName("reviews").withNamespace("default").endMetadata()
        .withNewSpec().withType("ClusterIP").withClusterIP(clusterIp).withClusterIPs(clusterIp)
        .withSelector(Map.of("app", "reviews"))
        .addNewPort().withName("http").withPort(9080).endPort().endSpec().build();
  }

  private static Pod pod(String name, String ip) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace("default")
        .withLabels(Map.of("app", "reviews")).endMetadata()
        .withNewSpec().withServiceAccountName("reviews").withNodeName("node-a")
        .addNewContainer().withName("app").withImage("app").endContainer().endSpec()
        .withNewStatus().withPodIP(ip).addNewPodIP(ip)
        .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build();
  }

  private static EndpointSlice slice(String... pods) {
    EndpointSliceBuilder builder = new EndpointSliceBuilder().withNewMetadata().withName("reviews-x")
        .withNamespace("default").withLabels(Map.of("kubernetes.io/service-name", "reviews")).endMetadata()
        .withAddressType("IPv4").addNewPort().withName("http").withPort(9080).endPort();
    for (String pod : pods) {
      String ip = "10.244.0." + pod.substring(pod.lastIndexOf('-') + 1);
      builder.addToEndpoints(new EndpointBuilder().withAddresses(ip).withNewConditions().withReady(true).endConditions()
          .withNewTargetRef().withKind("Pod").withName(pod).withNamespace("default").endTargetRef().build());
    }
    return builder.build();
  }

  private static GenericKubernetesResource serviceEntry(String name, String host, Object port) {
    return new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1").withKind("ServiceEntry")
        .withNewMetadata().withName(name).withNamespace("default").endMetadata()
        .addToAdditionalProperties("spec", Map.of("hosts", List.of(host), "resolution", "DNS",
            "ports", List.of(Map.of("number", port, "name", "https", "protocol", "HTTPS"))))
        .build();
  }
}
