package io.meshpilot.registry.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.Rejection;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.realcluster.RealApiServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link KubeRegistryIntegrationTest} on a real kube-apiserver: Pods made Running by a status patch
 * (no kubelet), a Service whose VIP the server allocates, EndpointSlices written by the test (no
 * controller-manager), ServiceEntries through an installed CRD; the registry follows creates,
 * updates and deletes and rejects bad ServiceEntries without disturbing the rest.
 */
class KubeRegistryRealServerTest {
  @RegisterExtension
  static final RealApiServerExtension KUBE = new RealApiServerExtension();

  private static final Duration AT_MOST = Duration.ofSeconds(30);
  private static final String NS = "bookinfo";
  private static final String REVIEWS = "reviews." + NS + ".svc.cluster.local";

  private final MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
  private KubeSource source;

  @AfterEach
  void stop() {
    if (source != null) {
      source.close();
    }
  }

  @Test
  void registryFollowsEveryKindAndRejectsBadServiceEntriesWithoutDisturbingTheRest() {
    KubernetesClient client = KUBE.server().client();
    RealServerObjects.installServiceEntryCrd(client);
    KUBE.server().createNamespace(NS);
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a")
        .withLabels(Map.of("topology.kubernetes.io/region", "r1", "topology.kubernetes.io/zone", "z1"))
        .endMetadata().build()).create();
    running(client, "reviews-1", "10.244.0.1");
    Service service = client.resource(new ServiceBuilder().withNewMetadata().withName("reviews").withNamespace(NS)
        .endMetadata().withNewSpec().withType("ClusterIP").withSelector(Map.of("app", "reviews"))
        .addNewPort().withName("http").withPort(9080).endPort().endSpec().build()).create();
    client.resource(slice("reviews-1")).create();
    serviceEntries(client).resource(serviceEntry("api", "api.example.com", 443)).create();
    serviceEntries(client).resource(serviceEntry("wildcard-all", "*", 443)).create();
    serviceEntries(client).resource(serviceEntry("typo", "typo.example.com", "abc")).create();

    source = new KubeSource(client, registry, KubeSourceOptions.defaults().withNamespaces(java.util.Set.of(NS)));
    source.start();
    await().atMost(AT_MOST).until(registry::synced);

    assertThat(hostnames()).containsExactly(REVIEWS, "api.example.com");
    assertThat(registry.services().get(0).defaultAddress()).isEqualTo(service.getSpec().getClusterIP())
        .startsWith("10.96.");
    assertThat(endpoints()).singleElement().satisfies(e -> {
      assertThat(e.address()).isEqualTo("10.244.0.1");
      assertThat(e.locality().label()).isEqualTo("r1/z1/");
      assertThat(e.serviceAccount()).isEqualTo("spiffe://cluster.local/ns/" + NS + "/sa/reviews");
    });
    assertThat(registry.rejections()).extracting(Rejection::object).containsExactly(
        new ObjectKey("ServiceEntry", NS, "typo"), new ObjectKey("ServiceEntry", NS, "wildcard-all"));

    // a second running pod and its endpoint
    running(client, "reviews-2", "10.244.0.2");
    client.resource(slice("reviews-1", "reviews-2")).update();
    await().atMost(AT_MOST).until(() -> endpoints().size() == 2);

    // a fixed ServiceEntry is accepted and its rejection cleared; a deleted one takes its rejection along
    serviceEntries(client).withName("wildcard-all").edit(se -> {
      se.getAdditionalProperties().put("spec", serviceEntry("wildcard-all", "fixed.example.com", 443)
          .getAdditionalProperties().get("spec"));
      return se;
    });
    serviceEntries(client).withName("typo").delete();
    await().atMost(AT_MOST).until(() -> registry.rejections().isEmpty());
    assertThat(hostnames()).containsExactly(REVIEWS, "api.example.com", "fixed.example.com");

    // deletes
    client.discovery().v1().endpointSlices().inNamespace(NS).withName("reviews-x").delete();
    await().atMost(AT_MOST).until(() -> endpoints().isEmpty());
    client.services().inNamespace(NS).withName("reviews").delete();
    serviceEntries(client).withName("api").delete();
    await().atMost(AT_MOST).untilAsserted(() -> assertThat(hostnames()).containsExactly("fixed.example.com"));
  }

  private static Pod running(KubernetesClient client, String name, String ip) {
    Pod pod = client.resource(RealServerObjects.pod(NS, name, "reviews", "reviews", "node-a")).create();
    return RealServerObjects.markRunning(client, pod, ip);
  }

  private List<String> hostnames() {
    return registry.services().stream().map(io.meshpilot.registry.model.Service::hostname).toList();
  }

  private List<Endpoint> endpoints() {
    return registry.endpointShards(REVIEWS, NS).getOrDefault("Kubernetes/Kubernetes", List.of());
  }

  private static io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<GenericKubernetesResource,
      io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
      io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> serviceEntries(KubernetesClient client) {
    return client.genericKubernetesResources(KubeObjects.SERVICE_ENTRY_V1).inNamespace(NS);
  }

  private static EndpointSlice slice(String... pods) {
    EndpointSliceBuilder builder = new EndpointSliceBuilder().withNewMetadata().withName("reviews-x")
        .withNamespace(NS).withLabels(Map.of("kubernetes.io/service-name", "reviews")).endMetadata()
        .withAddressType("IPv4").addNewPort().withName("http").withPort(9080).endPort();
    for (String pod : pods) {
      String ip = "10.244.0." + pod.substring(pod.lastIndexOf('-') + 1);
      builder.addToEndpoints(new EndpointBuilder().withAddresses(ip).withNewConditions().withReady(true).endConditions()
          .withNewTargetRef().withKind("Pod").withName(pod).withNamespace(NS).endTargetRef().build());
    }
    return builder.build();
  }

  private static GenericKubernetesResource serviceEntry(String name, String host, Object port) {
    return new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1").withKind("ServiceEntry")
        .withNewMetadata().withName(name).withNamespace(NS).endMetadata()
        .addToAdditionalProperties("spec", Map.of("hosts", List.of(host), "resolution", "DNS",
            "ports", List.of(Map.of("number", port, "name", "https", "protocol", "HTTPS"))))
        .build();
  }
}
