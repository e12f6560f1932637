package io.meshpilot.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.meshpilot.registry.kube.LogCapture;
import io.meshpilot.registry.networking.IstioConfig;
import io.meshpilot.registry.networking.IstioKind;
import io.meshpilot.registry.networking.StoredConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** DestinationRules, VirtualServices and Sidecars through the registry: accepted, rejected, published. */
class TrafficConfigRegistryTest {
  private static final String SOURCE = "test";
  private static final KubernetesSerialization KUBE = new KubernetesSerialization();
  private static final ObjectKey REVIEWS_DR = new ObjectKey("DestinationRule", "shop", "reviews");

  private final MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
  private final List<RegistryChange> changes = new ArrayList<>();

  TrafficConfigRegistryTest() {
    registry.addListener(changes::add);
  }

  static GenericKubernetesResource istio(String yaml) {
    return KUBE.unmarshal(yaml, GenericKubernetesResource.class);
  }

  static GenericKubernetesResource destinationRule(String subsetName) {
    return istio("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: shop, resourceVersion: "%s"}
        spec:
          host: reviews.shop.svc.cluster.local
          subsets:
          - name: %s
            labels: {version: v1}
        """.formatted(subsetName, subsetName));
  }

  static GenericKubernetesResource namespaceSidecar(String name, String created) {
    return istio("""
        apiVersion: networking.istio.io/v1beta1
        kind: Sidecar
        metadata: {name: %s, namespace: shop, creationTimestamp: "%s"}
        spec:
          egress:
          - hosts: ["./*"]
        """.formatted(name, created));
  }

  private List<ObjectKey> destinationRuleKeys() {
    return registry.trafficConfigs().destinationRules().stream().map(c -> c.meta().key()).toList();
  }

  @Test
  void validRuleIsPublishedAndItsKeyIsTheChange() {
    registry.upsert(SOURCE, destinationRule("v1"));

    IstioConfig<?> rule = registry.trafficConfigs().destinationRules().get(0);
    assertThat(rule.meta().key()).isEqualTo(REVIEWS_DR);
    assertThat(rule.meta().source()).isEqualTo(SOURCE);
    assertThat(changes).containsExactly(new RegistryChange(Set.of(), Set.of(), Set.of(REVIEWS_DR)));
  }

  @Test
  void eachChangePublishesANewSnapshotAndAnUnchangedObjectIsNoChange() {
    registry.upsert(SOURCE, destinationRule("v1"));
    var first = registry.trafficConfigs();

    registry.upsert(SOURCE, destinationRule("v1"));
    assertThat(registry.trafficConfigs()).isSameAs(first);
    assertThat(changes).hasSize(1);

    registry.upsert(SOURCE, destinationRule("v2"));
    assertThat(registry.trafficConfigs()).isNotSameAs(first);
    assertThat(changes).hasSize(2);
  }

  @Test
  void invalidObjectIsRejectedWithItsReasonAndCounted() {
    registry.upsert(SOURCE, destinationRule("Not_A_Label"));

    assertThat(registry.trafficConfigs().isEmpty()).isTrue();
    assertThat(registry.rejections()).singleElement().satisfies(r -> {
      assertThat(r.object()).isEqualTo(REVIEWS_DR);
      assertThat(r.reason()).isEqualTo("spec.subsets[0].name: subset name is invalid: \"Not_A_Label\" "
          + "(must be a DNS-1123 label)");
    });
    assertThat(registry.rejectionCounts()).containsEntry("DestinationRule", 1L);
    assertThat(changes).isEmpty();
  }

  @Test
  void invalidUpdateDropsTheAcceptedVersionAsIstiodDoes() {
    registry.upsert(SOURCE, destinationRule("v1"));
    changes.clear();

    registry.upsert(SOURCE, destinationRule("Not_A_Label"));

    assertThat(destinationRuleKeys()).isEmpty();
    assertThat(changes).containsExactly(new RegistryChange(Set.of(), Set.of(), Set.of(REVIEWS_DR)));
    assertThat(registry.rejections()).extracting(Rejection::object).containsExactly(REVIEWS_DR);
  }

  @Test
  void validVersionClearsTheRejection() {
    registry.upsert(SOURCE, destinationRule("Not_A_Label"));

    registry.upsert(SOURCE, destinationRule("v1"));

    assertThat(registry.rejections()).isEmpty();
    assertThat(destinationRuleKeys()).containsExactly(REVIEWS_DR);
  }

  @Test
  void wrongFieldTypeIsRejectedNamingTheField() {
    registry.upsert(SOURCE, istio("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: shop}
        spec:
          hosts: reviews
          http: [{route: [{destination: {host: reviews}}]}]
        """));

    assertThat(registry.rejections()).singleElement().satisfies(r ->
        assertThat(r.reason()).startsWith("spec.hosts: "));
  }

  @Test
  void unknownFieldIsIgnoredAndWarnedAboutOnce() {
    String yaml = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: shop, resourceVersion: "%s"}
        spec:
          host: reviews
          trafficPolicy:
            loadBalancer: {simple: RANDOM, fancy: true}
        """;
    try (LogCapture log = new LogCapture(MeshRegistry.class)) {
      registry.upsert(SOURCE, istio(yaml.formatted("1")));
      registry.upsert(SOURCE, istio(yaml.formatted("2")));

      assertThat(log.count("DestinationRule shop/reviews from test: ignoring unknown field "
          + "spec.trafficPolicy.loadBalancer.fancy")).isEqualTo(1);
    }
    assertThat(destinationRuleKeys()).containsExactly(REVIEWS_DR);
    assertThat(registry.rejections()).isEmpty();
  }

  @Test
  void deleteRemovesTheConfigAndIsAChange() {
    registry.upsert(SOURCE, destinationRule("v1"));
    changes.clear();

    registry.delete(SOURCE, destinationRule("v1"));

    assertThat(registry.trafficConfigs().isEmpty()).isTrue();
    assertThat(changes).containsExactly(new RegistryChange(Set.of(), Set.of(), Set.of(REVIEWS_DR)));
  }

  @Test
  void listsAreInIstiodOrderOldestFirst() {
    registry.upsert(SOURCE, namespaceSidecarIn("b", "2024-01-02T00:00:00Z"));
    registry.upsert(SOURCE, namespaceSidecarIn("a", "2024-01-03T00:00:00Z"));
    registry.upsert(SOURCE, namespaceSidecarIn("c", "2024-01-01T00:00:00Z"));

    assertThat(registry.trafficConfigs().sidecars()).extracting(IstioConfig::namespace).containsExactly("c", "b", "a");
  }

  private static GenericKubernetesResource namespaceSidecarIn(String namespace, String created) {
    GenericKubernetesResource sidecar = namespaceSidecar("default", created);
    sidecar.getMetadata().setNamespace(namespace);
    return sidecar;
  }

  @Test
  void ofTwoNamespaceWideSidecarsOnlyTheOldestAppliesAndTheOtherIsListedAsIgnored() {
    registry.upsert(SOURCE, namespaceSidecar("newer", "2024-02-01T00:00:00Z"));
    registry.upsert(SOURCE, namespaceSidecar("older", "2024-01-01T00:00:00Z"));

    assertThat(registry.trafficConfigs().sidecars()).extracting(IstioConfig::name).containsExactly("older");
    assertThat(registry.rejections()).singleElement().satisfies(r -> {
      assertThat(r.object()).isEqualTo(new ObjectKey("Sidecar", "shop", "newer"));
      assertThat(r.reason()).isEqualTo("ignored: Sidecar shop/older also has no workloadSelector and is older; "
          + "istiod applies only the oldest such Sidecar of a namespace");
    });
  }

  @Test
  void ignoredSidecarAppliesOnceTheOlderOneIsDeleted() {
    registry.upsert(SOURCE, namespaceSidecar("older", "2024-01-01T00:00:00Z"));
    registry.upsert(SOURCE, namespaceSidecar("newer", "2024-02-01T00:00:00Z"));

    registry.delete(SOURCE, namespaceSidecar("older", "2024-01-01T00:00:00Z"));

    assertThat(registry.trafficConfigs().sidecars()).extracting(IstioConfig::name).containsExactly("newer");
    assertThat(registry.rejections()).isEmpty();
  }

  @Test
  void storedConfigsListEveryIstioKindInIstiodSchemaOrder() {
    registry.upsert(SOURCE, TestObjects.serviceEntry("shop", "payments", "2024-01-01T00:00:00Z",
        TestObjects.dnsSpec("payments.example.com")));
    registry.upsert(SOURCE, namespaceSidecar("default", "2024-01-01T00:00:00Z"));
    registry.upsert(SOURCE, destinationRule("v1"));

    assertThat(registry.storedConfigs()).extracting(StoredConfig::kind)
        .containsExactly(IstioKind.DESTINATION_RULE, IstioKind.SERVICE_ENTRY, IstioKind.SIDECAR);
    assertThat(registry.storedConfigs().get(0).spec()).containsEntry("host", "reviews.shop.svc.cluster.local");

    registry.delete(SOURCE, TestObjects.serviceEntry("shop", "payments", "2024-01-01T00:00:00Z",
        TestObjects.dnsSpec("payments.example.com")));
    assertThat(registry.storedConfigs()).extracting(StoredConfig::kind)
        .containsExactly(IstioKind.DESTINATION_RULE, IstioKind.SIDECAR);
  }
}
