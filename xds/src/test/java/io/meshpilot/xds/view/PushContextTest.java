package io.meshpilot.xds.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.RegistryKind;
import io.meshpilot.registry.model.Service;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PushContextTest {
  private final MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());

  private static Proxy proxy(String namespace, Map<String, String> labels, String ip) {
    return new Proxy("sidecar", ip, "p." + namespace, namespace + ".svc.cluster.local", namespace, labels,
        List.of(ip), "Kubernetes", "1.30.0", InterceptionMode.REDIRECT, "", "sidecar~" + ip + "~p." + namespace);
  }

  private void service(String ns, String name, String created, String exportTo) {
    var builder = new ServiceBuilder().withNewMetadata().withName(name).withNamespace(ns).withCreationTimestamp(created)
        .endMetadata().withNewSpec().withClusterIP("10.96.0." + (10 + name.length())).withSelector(Map.of("app", name))
        .addNewPort().withName("http").withPort(9080).endPort().endSpec();
    var svc = builder.build();
    if (exportTo != null) {
      svc.getMetadata().setAnnotations(Map.of("networking.istio.io/exportTo", exportTo));
    }
    registry.upsert("test", svc);
  }

  private void serviceEntry(String ns, String name, String host, String created) {
    registry.upsert("test", new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1")
        .withKind("ServiceEntry").withNewMetadata().withName(name).withNamespace(ns).withCreationTimestamp(created)
        .endMetadata().withAdditionalProperties(Map.of("spec", Map.of("hosts", List.of(host), "resolution", "DNS",
            "ports", List.of(Map.of("number", 80, "name", "http", "protocol", "HTTP"))))).build());
  }

  private PushContext push(MeshSettings settings) {
    return PushContext.create(registry, settings, "v1");
  }

  @Test
  void exportToLimitsWhoSeesAService() {
    service("a", "public", "2024-01-01T00:00:00Z", null);
    service("a", "private", "2024-01-01T00:00:00Z", ".");
    service("a", "tob", "2024-01-01T00:00:00Z", "b");
    service("a", "hidden", "2024-01-01T00:00:00Z", "~");
    PushContext push = push(MeshSettings.defaults());

    assertThat(push.services(proxy("a", Map.of(), "10.0.0.1"))).extracting(Service::hostname)
        .containsExactly("private.a.svc.cluster.local", "public.a.svc.cluster.local");
    assertThat(push.services(proxy("b", Map.of(), "10.0.0.1"))).extracting(Service::hostname)
        .containsExactly("public.a.svc.cluster.local", "tob.a.svc.cluster.local");
  }

  @Test
  void meshDefaultExportToAppliesToServicesWithoutTheirOwn() {
    service("a", "svc", "2024-01-01T00:00:00Z", null);
    PushContext push = push(new MeshSettings(io.meshpilot.xds.OutboundTrafficPolicy.ALLOW_ANY, List.of("."), null, null));
    assertThat(push.services(proxy("a", Map.of(), "10.0.0.1"))).hasSize(1);
    assertThat(push.services(proxy("b", Map.of(), "10.0.0.1"))).isEmpty();
  }

  @Test
  void oneServicePerHostnamePreferringTheProxysNamespaceThenKubernetesThenTheOldest() {
    serviceEntry("x", "old", "shared.example.com", "2024-01-01T00:00:00Z");
    serviceEntry("y", "new", "shared.example.com", "2024-02-01T00:00:00Z");
    PushContext push = push(MeshSettings.defaults());

    assertThat(push.services(proxy("y", Map.of(), "10.0.0.1"))).singleElement()
        .satisfies(s -> assertThat(s.attributes().namespace()).isEqualTo("y"));
    assertThat(push.services(proxy("z", Map.of(), "10.0.0.1"))).singleElement()
        .satisfies(s -> assertThat(s.attributes().namespace()).isEqualTo("x"));
    assertThat(push.service(proxy("z", Map.of(), "10.0.0.1"), "shared.example.com")).isPresent();
    assertThat(push.services(proxy("z", Map.of(), "10.0.0.1")).get(0).attributes().registry())
        .isEqualTo(RegistryKind.EXTERNAL);
  }

  @Test
  void endpointsAreJoinedByPortNameAndServiceTargetsFindTheProxysOwnPorts() {
    service("shop", "cart", "2024-01-01T00:00:00Z", null);
    registry.upsert("test", new PodBuilder().withNewMetadata().withName("cart-1").withNamespace("shop")
        .withLabels(Map.of("app", "cart")).endMetadata().withNewSpec().endSpec()
        .withNewStatus().withPodIP("10.244.0.7").addNewPodIP("10.244.0.7")
        .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build());
    registry.upsert("test", new EndpointSliceBuilder().withNewMetadata().withName("cart-x").withNamespace("shop")
        .withLabels(Map.of("kubernetes.io/service-name", "cart")).endMetadata().withAddressType("IPv4")
        .addNewPort().withName("http").withPort(8080).endPort()
        .addToEndpoints(new EndpointBuilder().withAddresses("10.244.0.7").withNewConditions().withReady(true)
            .endConditions().withNewTargetRef().withKind("Pod").withName("cart-1").withNamespace("shop").endTargetRef()
            .build()).build());
    PushContext push = push(MeshSettings.defaults());
    Service cart = push.services(proxy("shop", Map.of(), "10.0.0.1")).get(0);

    assertThat(push.endpoints(cart, cart.ports().get(0))).extracting(Endpoint::address).containsExactly("10.244.0.7");
    assertThat(push.serviceTargets(proxy("shop", Map.of("app", "cart"), "10.244.0.7"))).singleElement()
        .satisfies(t -> {
          assertThat(t.service().hostname()).isEqualTo("cart.shop.svc.cluster.local");
          assertThat(t.port().port()).isEqualTo(9080);
          assertThat(t.targetPort()).isEqualTo(8080);
        });
    assertThat(push.serviceTargets(proxy("shop", Map.of("app", "other"), "10.244.0.8"))).isEmpty();
  }

  @Test
  void countsTheRegistrysServicesAndKnowsWhichAreHeadless() {
    service("a", "svc", "2024-01-01T00:00:00Z", null);
    registry.upsert("test", new ServiceBuilder().withNewMetadata().withName("db").withNamespace("a").endMetadata()
        .withNewSpec().withClusterIP("None").addNewPort().withName("tcp").withPort(3306).endPort().endSpec().build());
    PushContext push = push(MeshSettings.defaults());

    assertThat(push.totalServices()).isEqualTo(2);
    assertThat(push.passthroughHostnames()).containsExactly("db.a.svc.cluster.local");
  }
}
