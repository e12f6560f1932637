package io.meshpilot.registry.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.meshpilot.registry.InvalidObjectException;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.model.Protocol;
import io.meshpilot.registry.model.RegistryKind;
import io.meshpilot.registry.model.Resolution;
import io.meshpilot.registry.model.Service;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KubeServiceConverterTest {
  private static final RegistryConfig CONFIG =
      new RegistryConfig("corp.local", "east", "example.org", List.of("*"));

  private static ServiceBuilder base() {
    return new ServiceBuilder().withNewMetadata().withName("reviews").withNamespace("shop")
        .withResourceVersion("42").withCreationTimestamp("2024-05-01T10:00:00Z").endMetadata()
        .withNewSpec().withType("ClusterIP").withClusterIP("10.0.0.7")
        .addNewPort().withName("http").withPort(9080).endPort().endSpec();
  }

  private static Service convert(ServiceBuilder svc) throws InvalidObjectException {
    return KubeServiceConverter.convert(svc.build(), CONFIG);
  }

  @Test
  void clusterIpServiceHasItsVipAndClientSideResolution() throws Exception {
    Service s = convert(base());

    assertThat(s.hostname()).isEqualTo("reviews.shop.svc.corp.local");
    assertThat(s.clusterVIPs()).isEqualTo(Map.of("east", List.of("10.0.0.7")));
    assertThat(s.defaultAddress()).isEqualTo("10.0.0.7");
    assertThat(s.resolution()).isEqualTo(Resolution.CLIENT_SIDE_LB);
    assertThat(s.meshExternal()).isFalse();
    assertThat(s.attributes().registry()).isEqualTo(RegistryKind.KUBERNETES);
    assertThat(s.attributes().name()).isEqualTo("reviews");
    assertThat(s.attributes().namespace()).isEqualTo("shop");
    assertThat(s.attributes().type()).isEqualTo("ClusterIP");
    assertThat(s.attributes().objectName()).isEmpty();
    assertThat(s.resourceVersion()).isEqualTo("42");
    assertThat(s.creationTime()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
  }

  @Test
  void dualStackServiceListsAllClusterIps() throws Exception {
    Service s = convert(base().editSpec().withClusterIPs("10.0.0.7", "fd00::7").endSpec());

    assertThat(s.clusterVIPs()).isEqualTo(Map.of("east", List.of("10.0.0.7", "fd00::7")));
    assertThat(s.defaultAddress()).isEqualTo("10.0.0.7");
  }

  @Test
  void headlessServiceHasPassthroughResolution() throws Exception {
    Service s = convert(base().editSpec().withClusterIP("None").withClusterIPs("None").endSpec());

    assertThat(s.resolution()).isEqualTo(Resolution.PASSTHROUGH);
    assertThat(s.clusterVIPs()).isEqualTo(Map.of("east", List.of("0.0.0.0")));
    assertThat(s.defaultAddress()).isEqualTo("0.0.0.0");
  }

  @Test
  void externalNameServiceIsAnAliasOutsideTheMesh() throws Exception {
    Service s = convert(base().editSpec().withType("ExternalName").withClusterIP(null)
        .withExternalName("db.example.com").endSpec());

    assertThat(s.resolution()).isEqualTo(Resolution.ALIAS);
    assertThat(s.meshExternal()).isTrue();
    assertThat(s.attributes().externalName()).isEqualTo("db.example.com");
    assertThat(s.clusterVIPs()).isEqualTo(Map.of("east", List.of("0.0.0.0")));
  }

  @Test
  void externalNameTypeWithoutANameIsAnOrdinaryService() throws Exception {
    Service s = convert(base().editSpec().withType("ExternalName").withClusterIP(null).endSpec());

    assertThat(s.resolution()).isEqualTo(Resolution.CLIENT_SIDE_LB);
    assertThat(s.meshExternal()).isFalse();
  }

  @Test
  void portsKeepTheirOrderNameAndDetectedProtocol() throws Exception {
    Service s = convert(base().editSpec().withPorts().addNewPort().withName("grpc-api").withPort(7000)
        .withTargetPort(new io.fabric8.kubernetes.api.model.IntOrString(7001)).withNodePort(30000).endPort()
        .addNewPort().withName("dns").withProtocol("UDP").withPort(53).endPort()
        .addNewPort().withPort(3306).endPort().endSpec());

    assertThat(s.ports()).containsExactly(new Port("grpc-api", 7000, Protocol.GRPC),
        new Port("dns", 53, Protocol.UDP), new Port("", 3306, Protocol.TCP));
  }

  @Test
  void serviceAccountsComeFromBothAnnotations() throws Exception {
    Service s = convert(base().editMetadata().withAnnotations(Map.of(
        "alpha.istio.io/canonical-serviceaccounts", "spiffe://other/sa/a,plain@example.com",
        "alpha.istio.io/kubernetes-serviceaccounts", "reviews,ratings")).endMetadata());

    assertThat(s.serviceAccounts()).containsExactly("spiffe://other/sa/a", "plain@example.com",
        "spiffe://example.org/ns/shop/sa/reviews", "spiffe://example.org/ns/shop/sa/ratings");
  }

  @Test
  void withoutAnnotationsThereAreNoServiceAccountsAndNoExportTo() throws Exception {
    Service s = convert(base());

    assertThat(s.serviceAccounts()).isEmpty();
    assertThat(s.attributes().exportTo()).isEmpty();
  }

  @Test
  void exportToAnnotationIsSplitAndTrimmed() throws Exception {
    Service s = convert(base().editMetadata()
        .withAnnotations(Map.of("networking.istio.io/exportTo", " ., istio-system ,")).endMetadata());

    assertThat(s.attributes().exportTo()).containsExactlyInAnyOrder(".", "istio-system");
  }

  @Test
  void labelsSelectorAndFlagsAreCopied() throws Exception {
    Service s = convert(base().editMetadata().withLabels(Map.of("app", "reviews")).endMetadata()
        .editSpec().withSelector(Map.of("app", "reviews", "v", "1")).withInternalTrafficPolicy("Local")
        .withPublishNotReadyAddresses(true).endSpec());

    assertThat(s.attributes().labels()).isEqualTo(Map.of("app", "reviews"));
    assertThat(s.attributes().labelSelectors()).isEqualTo(Map.of("app", "reviews", "v", "1"));
    assertThat(s.attributes().nodeLocal()).isTrue();
    assertThat(s.attributes().publishNotReadyAddresses()).isTrue();
  }

  @Test
  void clusterPolicyAndDefaultsAreFalse() throws Exception {
    Service s = convert(base().editSpec().withInternalTrafficPolicy("Cluster").endSpec());

    assertThat(s.attributes().nodeLocal()).isFalse();
    assertThat(s.attributes().publishNotReadyAddresses()).isFalse();
    assertThat(s.attributes().trafficDistribution()).isZero();
  }

  @ParameterizedTest(name = "spec={0} annotation={1} -> {2}")
  @CsvSource(nullValues = "null", textBlock = """
      PreferClose,    null,           1
      PreferSameZone, null,           1
      PreferSameNode, null,           2
      PreferSameNode, PreferClose,    2
      preferclose,    null,           0
      preferclose,    PreferSameNode, 2
      Unknown,        PREFERSAMEZONE, 1
      null,           PreferClose,    1
      null,           prefersamenode, 2
      null,           Any,            0
      null,           null,           0
      """)
  void trafficDistributionPrefersTheSpecThenTheAnnotation(String spec, String annotation, int expected)
      throws Exception {
    ServiceBuilder svc = base().editSpec().withTrafficDistribution(spec).endSpec();
    if (annotation != null) {
      svc.editMetadata().withAnnotations(Map.of("networking.istio.io/traffic-distribution", annotation))
          .endMetadata();
    }
    assertThat(convert(svc).attributes().trafficDistribution()).isEqualTo(expected);
  }

  @Test
  void missingCreationTimestampIsGoZeroTime() throws Exception {
    Service s = convert(base().editMetadata().withCreationTimestamp(null).endMetadata());

    assertThat(s.creationTime()).isEqualTo(Service.ZERO_TIME);
  }

  @Test
  void loadBalancerIngressThenExternalIpsAreExternalAddresses() throws Exception {
    Service s = convert(base().editSpec().withType("LoadBalancer").withExternalIPs("192.0.2.9").endSpec()
        .withNewStatus().withNewLoadBalancer().withIngress(
            new LoadBalancerIngressBuilder().withIp("203.0.113.1").build(),
            new LoadBalancerIngressBuilder().withHostname("lb.example.com").build(),
            new LoadBalancerIngressBuilder().withIp("203.0.113.2").withHostname("ignored.example.com").build())
        .endLoadBalancer().endStatus());

    assertThat(s.attributes().clusterExternalAddresses()).isEqualTo(
        Map.of("east", List.of("203.0.113.1", "lb.example.com", "203.0.113.2", "192.0.2.9")));
  }

  @Test
  void externalIpsCountForAnyTypeButIngressOnlyForLoadBalancers() throws Exception {
    Service s = convert(base().editSpec().withExternalIPs("192.0.2.9").endSpec()
        .withNewStatus().withNewLoadBalancer().withIngress(new LoadBalancerIngressBuilder().withIp("203.0.113.1")
            .build()).endLoadBalancer().endStatus());

    assertThat(s.attributes().clusterExternalAddresses()).isEqualTo(Map.of("east", List.of("192.0.2.9")));
  }

  @Test
  void withoutExternalAddressesTheMapIsEmpty() throws Exception {
    assertThat(convert(base()).attributes().clusterExternalAddresses()).isEmpty();
  }

  @Test
  void nodePortWithNodeSelectorAnnotationHasExternalPorts() throws Exception {
    Service s = convert(base().editMetadata()
        .withAnnotations(Map.of("traffic.istio.io/nodeSelector", "{\"gateway\":\"true\"}")).endMetadata()
        .editSpec().withType("NodePort").withPorts().addNewPort().withName("tls").withPort(15443)
        .withNodePort(31443).endPort().endSpec());

    assertThat(s.attributes().clusterExternalPorts()).isEqualTo(Map.of("east", Map.of(15443, 31443)));
  }

  @Test
  void nodePortWithoutTheAnnotationHasNoExternalPorts() throws Exception {
    Service s = convert(base().editSpec().withType("NodePort").withPorts().addNewPort().withName("tls")
        .withPort(15443).withNodePort(31443).endPort().endSpec());

    assertThat(s.attributes().clusterExternalPorts()).isEmpty();
  }

  @Test
  void serviceWithoutANameIsRejected() {
    assertThatThrownBy(() -> convert(base().editMetadata().withName(null).endMetadata()))
        .isInstanceOf(InvalidObjectException.class).hasMessageContaining("metadata.name");
  }

  @Test
  void serviceWithoutANamespaceIsRejected() {
    assertThatThrownBy(() -> convert(base().editMetadata().withNamespace(null).endMetadata()))
        .isInstanceOf(InvalidObjectException.class).hasMessageContaining("metadata.namespace");
  }

  @Test
  void portWithoutANumberIsRejected() {
    assertThatThrownBy(() -> convert(base().editSpec().addNewPort().withName("grpc").endPort().endSpec()))
        .isInstanceOf(InvalidObjectException.class).hasMessage("Service reviews: spec.ports[1] has no port number");
  }

  @Test
  void portOutOfRangeIsRejected() {
    assertThatThrownBy(() -> convert(base().editSpec().withPorts().addNewPort().withPort(70000).endPort().endSpec()))
        .isInstanceOf(InvalidObjectException.class).hasMessageContaining("outside 1-65535");
  }

  @Test
  void malformedCreationTimestampIsRejected() {
    assertThatThrownBy(() -> convert(base().editMetadata().withCreationTimestamp("yesterday").endMetadata()))
        .isInstanceOf(InvalidObjectException.class).hasMessageContaining("creationTimestamp");
  }

  @Test
  void serviceWithoutSpecHasNoPortsAndNoVip() throws Exception {
    Service s = KubeServiceConverter.convert(new ServiceBuilder().withNewMetadata().withName("bare")
        .withNamespace("shop").endMetadata().build(), CONFIG);

    assertThat(s.ports()).isEmpty();
    assertThat(s.defaultAddress()).isEqualTo("0.0.0.0");
    assertThat(s.resolution()).isEqualTo(Resolution.CLIENT_SIDE_LB);
  }
}
