package io.meshpilot.registry.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class CompactStoresTest {
  @Test
  void cachedServiceEntryKeepsKindApiVersionKeyAndLabelsButNotItsSpec() {
    ItemStore<GenericKubernetesResource> store =
        CompactStores.store(GenericKubernetesResource.class, new KubernetesSerialization());
    GenericKubernetesResource entry = KubeObjects.relabel(KubeObjects.serviceEntry("shop", "payments"), "x");
    entry.getMetadata().setResourceVersion("7");

    store.put(store.getKey(entry), entry);
    GenericKubernetesResource cached = store.get("shop/payments");

    assertThat(cached.getKind()).isEqualTo("ServiceEntry");
    assertThat(cached.getApiVersion()).isEqualTo("networking.istio.io/v1");
    assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(cached.getMetadata().getLabels()).isEqualTo(entry.getMetadata().getLabels());
    assertThat(cached.getAdditionalProperties()).doesNotContainKey("spec");
  }
}
