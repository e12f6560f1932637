package io.meshpilot.xds.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.model.Service;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.OutboundTrafficPolicy;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which Sidecar applies to a proxy and what its scope imports, as istiod resolves and converts them. */
class SidecarScopeTest {
  private final TrafficRegistry registry = new TrafficRegistry();

  @BeforeEach
  void mesh() {
    service("a", "alpha", 80, 9080);
    service("a", "apex", 80);
    service("b", "beta", 80);
    service("b", "bravo", 9080);
    service("istio-system", "istiod", 15010);
    serviceEntry("ext", "api.example.com", "2024-01-01T00:00:00Z");
    serviceEntry("ext", "www.other.org", "2024-01-01T00:00:00Z");
  }

  @Test
  void withoutSidecarTheDefaultScopeSeesEverythingExportedToTheNamespace() {
    SidecarScope scope = push().sidecarScope(proxy("a", Map.of()));

    assertThat(scope.name()).isEqualTo("default-sidecar");
    assertThat(scope.id()).isEqualTo(new SidecarScope.Id("a", java.util.Optional.empty()));
    assertThat(hostnames(scope)).containsExactly("alpha.a.svc.cluster.local", "apex.a.svc.cluster.local",
        "api.example.com", "beta.b.svc.cluster.local", "bravo.b.svc.cluster.local",
        "istiod.istio-system.svc.cluster.local", "www.other.org");
    assertThat(scope.outboundTrafficPolicy()).isEqualTo(OutboundTrafficPolicy.ALLOW_ANY);
  }

  @Test
  void aSelectingSidecarWinsOverTheNamespacesOneAndTheOldestSelectingOneWins() {
    registry.sidecar("a", "namespace-wide", "2024-01-01T00:00:00Z", "egress: [{hosts: [\"./*\"]}]");
    registry.sidecar("a", "newer", "2024-03-01T00:00:00Z", """
        workloadSelector: {labels: {app: web}}
        egress: [{hosts: ["b/*"]}]
        """);
    registry.sidecar("a", "older", "2024-02-01T00:00:00Z", """
        workloadSelector: {labels: {app: web, tier: front}}
        egress: [{hosts: ["istio-system/*"]}]
        """);
    PushContext push = push();

    assertThat(push.sidecarScope(proxy("a", Map.of("app", "web", "tier", "front"))).name()).isEqualTo("older");
    assertThat(push.sidecarScope(proxy("a", Map.of("app", "web"))).name()).isEqualTo("newer");
    SidecarScope other = push.sidecarScope(proxy("a", Map.of("app", "db")));
    assertThat(other.name()).isEqualTo("namespace-wide");
    assertThat(hostnames(other)).containsExactly("alpha.a.svc.cluster.local", "apex.a.svc.cluster.local");
  }

  @Test
  void theRootNamespacesSidecarAppliesWhereANamespaceHasNone() {
    registry.sidecar("istio-system", "default", "2024-01-01T00:00:00Z", "egress: [{hosts: [\"istio-system/*\"]}]");
    registry.sidecar("b", "own", "2024-01-01T00:00:00Z", "egress: [{hosts: [\"./*\"]}]");
    PushContext push = push();

    SidecarScope inA = push.sidecarScope(proxy("a", Map.of()));
    assertThat(inA.name()).isEqualTo("default");
    assertThat(inA.id()).isEqualTo(new SidecarScope.Id("a",
        java.util.Optional.of(TrafficRegistry.key("istio-system", "default"))));
    assertThat(hostnames(inA)).containsExactly("istiod.istio-system.svc.cluster.local");
    assertThat(hostnames(push.sidecarScope(proxy("b", Map.of())))).containsExactly("beta.b.svc.cluster.local",
        "bravo.b.svc.cluster.local");
  }

  @Test
  void theRootNamespaceFollowsMeshConfig() {
    registry.sidecar("mesh-root", "default", "2024-01-01T00:00:00Z", "egress: [{hosts: [\"b/*\"]}]");

    PushContext push = PushContext.create(registry, MeshSettings.defaults().withRootNamespace("mesh-root"), "v1");

    assertThat(hostnames(push.sidecarScope(proxy("a", Map.of())))).containsExactly("beta.b.svc.cluster.local",
        "bravo.b.svc.cluster.local");
    assertThat(push().sidecarScope(proxy("a", Map.of())).name()).isEqualTo("default-sidecar");
  }

  @Test
  void egressHostsImportByNamespaceAndDnsName() {
    assertThat(imported("./apex.a.svc.cluster.local")).containsExactly("apex.a.svc.cluster.local");
    assertThat(imported("b/*")).containsExactly("beta.b.svc.cluster.local", "bravo.b.svc.cluster.local");
    assertThat(imported("*/beta.b.svc.cluster.local")).containsExactly("beta.b.svc.cluster.local");
    assertThat(imported("a/beta.b.svc.cluster.local")).isEmpty(); // beta lives in b
    assertThat(imported("*/*.example.com")).containsExactly("api.example.com");
    assertThat(imported("ext/*.org")).containsExactly("www.other.org");
    assertThat(imported("~/*")).isEmpty();
    assertThat(imported("*/*", "~b/bravo.b.svc.cluster.local", "~ext/*")).containsExactly(
        "alpha.a.svc.cluster.local", "apex.a.svc.cluster.local", "beta.b.svc.cluster.local",
        "istiod.istio-system.svc.cluster.local");
    assertThat(imported("not-a-host", "b/beta.b.svc.cluster.local")).containsExactly("beta.b.svc.cluster.local");
  }

  @Test
  void aPortSpecificListenerImportsOnlyServicesWithThatPortAndOnlyThatPort() {
    registry.sidecar("a", "ports", "2024-01-01T00:00:00Z", """
        egress:
        - port: {number: 9080, protocol: HTTP, name: web}
          hosts: ["*/*"]
        - hosts: ["b/beta.b.svc.cluster.local"]
        """);
    SidecarScope scope = push().sidecarScope(proxy("a", Map.of()));

    SidecarScope.Egress web = scope.egress().get(0);
    assertThat(web.port()).hasValue(9080);
    assertThat(web.services().services()).extracting(Service::hostname)
        .containsExactly("alpha.a.svc.cluster.local", "bravo.b.svc.cluster.local");
    Service alpha = scope.service("alpha.a.svc.cluster.local").orElseThrow();
    assertThat(scope.services().servedPorts(alpha)).extracting(Port::port).containsExactly(9080);
    assertThat(hostnames(scope)).containsExactly("alpha.a.svc.cluster.local", "beta.b.svc.cluster.local",
        "bravo.b.svc.cluster.local");
    assertThat(scope.egressForRoute(9080)).contains(web);
    assertThat(scope.egressForRoute(80)).contains(scope.egress().get(1));
  }

  @Test
  void theSidecarsOutboundTrafficPolicyOverridesTheMeshs() {
    registry.sidecar("a", "strict", "2024-01-01T00:00:00Z", "outboundTrafficPolicy: {mode: REGISTRY_ONLY}");
    registry.sidecar("b", "open", "2024-01-01T00:00:00Z", "outboundTrafficPolicy: {mode: ALLOW_ANY}");
    PushContext push = PushContext.create(registry,
        MeshSettings.defaults().withOutboundTrafficPolicy(OutboundTrafficPolicy.REGISTRY_ONLY), "v1");

    assertThat(push.sidecarScope(proxy("a", Map.of())).outboundTrafficPolicy()).isEqualTo(OutboundTrafficPolicy.REGISTRY_ONLY);
    assertThat(push.sidecarScope(proxy("b", Map.of())).outboundTrafficPolicy()).isEqualTo(OutboundTrafficPolicy.ALLOW_ANY);
    assertThat(push.sidecarScope(proxy("ext", Map.of())).outboundTrafficPolicy())
        .isEqualTo(OutboundTrafficPolicy.REGISTRY_ONLY);
    // no egress listed: everything, as istiod's default listener */*
    assertThat(hostnames(push.sidecarScope(proxy("a", Map.of())))).hasSize(7);
  }

  @Test
  void proxiesResolvingToOneSidecarShareOneScope() {
    registry.sidecar("a", "web", "2024-01-01T00:00:00Z", "workloadSelector: {labels: {app: web}}");
    PushContext push = push();

    SidecarScope first = push.sidecarScope(proxy("a", Map.of("app", "web", "pod", "1")));
    assertThat(push.sidecarScope(proxy("a", Map.of("app", "web", "pod", "2")))).isSameAs(first);
    assertThat(push.sidecarScope(proxy("a", Map.of()))).isNotSameAs(first);
  }

  private List<String> imported(String... hosts) {
    registry.sidecar("a", "probe", "2024-01-01T00:00:00Z",
        "egress: [{hosts: [" + String.join(", ", java.util.Arrays.stream(hosts).map(h -> "\"" + h + "\"").toList()) + "]}]");
    return hostnames(push().sidecarScope(proxy("a", Map.of())));
  }

  private static List<String> hostnames(SidecarScope scope) {
    return scope.services().services().stream().map(Service::hostname).toList();
  }

  private PushContext push() {
    return PushContext.create(registry, MeshSettings.defaults(), "v1");
  }

  private static Proxy proxy(String namespace, Map<String, String> labels) {
    String ip = "10.0.0.1";
    return new Proxy("sidecar", ip, "p." + namespace, namespace + ".svc.cluster.local", namespace, labels,
        List.of(ip), "Kubernetes", "1.31.0", InterceptionMode.REDIRECT, "", "sidecar~" + ip + "~p." + namespace);
  }

  private void service(String ns, String name, int... ports) {
    ServiceBuilder builder = new ServiceBuilder().withNewMetadata().withName(name).withNamespace(ns)
        .withCreationTimestamp("2024-01-01T00:00:00Z").endMetadata()
        .withNewSpec().withClusterIP("10.96." + ns.length() + "." + (10 + name.length())).endSpec();
    for (int port : ports) {
      builder.editSpec().addNewPort().withName("http-" + port).withPort(port).endPort().endSpec();
    }
    registry.mesh().upsert("test", builder.build());
  }

  private void serviceEntry(String ns, String host, String created) {
    registry.mesh().upsert("test", new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1")
        .withKind("ServiceEntry").withNewMetadata().withName(host.replace('.', '-')).withNamespace(ns)
        .withCreationTimestamp(created).endMetadata()
        .withAdditionalProperties(Map.of("spec", Map.of("hosts", List.of(host), "resolution", "DNS",
            "ports", List.of(Map.of("number", 80, "name", "http", "protocol", "HTTP"))))).build());
  }
}
