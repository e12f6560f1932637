package io.meshpilot.xds.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.view.PushContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** istiod's BuildNameTable rules, one per test, on a registry built from Kubernetes objects. */
class NameTableBuilderTest {
  private final MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());

  @Test
  void aHeadlessServiceResolvesToItsReadyEndpointsOnly() {
    registry.upsert("test", service("db", "None", false));
    registry.upsert("test", slice("db", Map.of("10.244.0.1", true, "10.244.0.2", false)));

    assertThat(table(proxy("10.244.0.9", true)).get("db.default.svc.cluster.local").ips())
        .containsExactly("10.244.0.1");
  }

  @Test
  void publishNotReadyAddressesKeepsNotReadyEndpoints() {
    registry.upsert("test", service("db", "None", true));
    registry.upsert("test", slice("db", Map.of("10.244.0.1", true, "10.244.0.2", false)));

    assertThat(table(proxy("10.244.0.9", true)).get("db.default.svc.cluster.local").ips())
        .containsExactlyInAnyOrder("10.244.0.1", "10.244.0.2");
  }

  @Test
  void aHeadlessServiceWithoutReadyEndpointsIsLeftForUpstreamDns() {
    registry.upsert("test", service("db", "None", false));
    registry.upsert("test", slice("db", Map.of("10.244.0.2", false)));

    assertThat(table(proxy("10.244.0.9", true))).doesNotContainKey("db.default.svc.cluster.local");
  }

  @Test
  void autoAllocatedVipsFollowTheProxysAddressFamily() {
    GenericKubernetesResource entry = new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1")
        .withKind("ServiceEntry").withNewMetadata().withName("api").withNamespace("default").endMetadata()
        .addToAdditionalProperties("spec", Map.of("hosts", List.of("api.example.com"), "resolution", "DNS",
            "ports", List.of(Map.of("number", 443, "name", "tls", "protocol", "TLS"))))
        .build();
    // as istiod's IP autoallocate controller leaves it
    entry.getAdditionalProperties().put("status", Map.of("addresses", List.of(
        Map.of("host", "api.example.com", "value", "240.240.0.1"),
        Map.of("host", "api.example.com", "value", "2001:2::1"))));
    registry.upsert("test", entry);

    assertThat(table(proxy("10.244.0.9", true)).get("api.example.com").ips()).containsExactly("240.240.0.1");
    assertThat(table(proxy("fd00::9", true)).get("api.example.com").ips()).containsExactly("2001:2::1");
    // dual-stack without istiod's ISTIO_DUAL_STACK: the family of the first address only
    assertThat(table(proxy("10.244.0.9,fd00::9", true)).get("api.example.com").ips()).containsExactly("240.240.0.1");
    assertThat(table(proxy("10.244.0.9", false))).doesNotContainKey("api.example.com");
  }

  @Test
  void aKubernetesServiceCarriesItsNameAndNamespaceForShortNameLookups() {
    registry.upsert("test", service("reviews", "10.96.0.10", false));

    assertThat(table(proxy("10.244.0.9", false))).containsEntry("reviews.default.svc.cluster.local",
        new NameInfo(List.of("10.96.0.10"), "Kubernetes", "reviews", "default"));
  }

  private Map<String, NameInfo> table(Proxy proxy) {
    return NameTableBuilder.build(proxy, PushContext.create(registry, MeshSettings.defaults(), "v1"));
  }

  private static Proxy proxy(String ips, boolean dnsCapture) {
    List<String> instanceIps = List.of(ips.split(","));
    return new Proxy("sidecar", instanceIps.get(0), "app.default", "default.svc.cluster.local", "default", Map.of(),
        instanceIps, "Kubernetes", "1.31.0", InterceptionMode.REDIRECT, "", "sidecar~x~app.default~d", dnsCapture);
  }

  private static io.fabric8.kubernetes.api.model.Service service(String name, String clusterIp,
      boolean publishNotReady) {
    return new ServiceBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
        .withNewSpec().withClusterIP(clusterIp).withPublishNotReadyAddresses(publishNotReady)
        .addNewPort().withName("tcp").withPort(5432).endPort().endSpec().build();
  }

  private static io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice slice(String service,
      Map<String, Boolean> readyByIp) {
    EndpointSliceBuilder slice = new EndpointSliceBuilder().withNewMetadata().withName(service + "-x")
        .withNamespace("default").withLabels(Map.of("kubernetes.io/service-name", service)).endMetadata()
        .withAddressType("IPv4").addNewPort().withName("tcp").withPort(5432).endPort();
    readyByIp.forEach((ip, ready) -> slice.addToEndpoints(new EndpointBuilder().withAddresses(ip)
        .withNewConditions().withReady(ready).endConditions().build()));
    return slice.build();
  }
}
