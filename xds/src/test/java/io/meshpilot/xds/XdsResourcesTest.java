package io.meshpilot.xds;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.controlplane.cache.Resources;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.view.PushContext;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class XdsResourcesTest {
  private final MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
  private final AtomicReference<PushContext> push = new AtomicReference<>();
  private final XdsResources resources = new XdsResources(push::get);

  XdsResourcesTest() {
    registry.upsert("test", new ServiceBuilder().withNewMetadata().withName("reviews").withNamespace("default")
        .endMetadata().withNewSpec().withClusterIP("10.96.0.12").addNewPort().withName("http").withPort(9080).endPort()
        .endSpec().build());
    push.set(PushContext.create(registry, MeshSettings.defaults(), "v1"));
  }

  private static Proxy proxy(String pod, String namespace, String ip) {
    return new Proxy("sidecar", ip, pod + "." + namespace, namespace + ".svc.cluster.local", namespace, Map.of(),
        List.of(ip), "Kubernetes", "1.30.0", InterceptionMode.REDIRECT, "", "sidecar~" + ip + "~" + pod);
  }

  @Test
  void proxiesOfTheSameShapeShareTheSameResourceInstancesWithinAPush() {
    Proxy a = proxy("a", "default", "10.0.0.1");
    Proxy b = proxy("b", "default", "10.0.0.1");
    String cla = "outbound|9080||reviews.default.svc.cluster.local";

    assertThat(resources.generate(b, Resources.V3.CLUSTER_TYPE_URL, Set.of()))
        .isSameAs(resources.generate(a, Resources.V3.CLUSTER_TYPE_URL, Set.of()));
    assertThat(resources.generate(b, Resources.V3.ENDPOINT_TYPE_URL, Set.of(cla)).get(0))
        .isSameAs(resources.generate(a, Resources.V3.ENDPOINT_TYPE_URL, Set.of(cla)).get(0));
    assertThat(resources.generate(b, Resources.V3.ROUTE_TYPE_URL, Set.of("9080")).get(0))
        .isSameAs(resources.generate(a, Resources.V3.ROUTE_TYPE_URL, Set.of("9080")).get(0));
  }

  @Test
  void differentShapesOrANewPushRegenerate() {
    Proxy a = proxy("a", "default", "10.0.0.1");
    Proxy other = proxy("c", "other", "10.0.0.3");
    var routes = resources.generate(a, Resources.V3.ROUTE_TYPE_URL, Set.of("9080")).get(0);

    assertThat(resources.generate(other, Resources.V3.ROUTE_TYPE_URL, Set.of("9080")).get(0)).isNotSameAs(routes)
        .isNotEqualTo(routes); // other namespace: no short names
    push.set(PushContext.create(registry, MeshSettings.defaults(), "v2"));
    assertThat(resources.generate(a, Resources.V3.ROUTE_TYPE_URL, Set.of("9080")).get(0)).isNotSameAs(routes)
        .isEqualTo(routes);
  }
}
