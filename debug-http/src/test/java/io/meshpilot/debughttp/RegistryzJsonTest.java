package io.meshpilot.debughttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.model.Protocol;
import io.meshpilot.registry.model.RegistryKind;
import io.meshpilot.registry.model.Resolution;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.model.ServiceAttributes;
import io.meshpilot.registry.model.ServiceVisibility;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Golden tests of registryz JSON. The files under {@code registryz/} were checked byte for byte
 * against Go's {@code encoding/json} marshalling mirror structs of istiod 1.31's model (1.31 added {@code Visibility}).
 */
class RegistryzJsonTest {

  @Test
  void referenceExamplePrettyMatchesIstiodByteForByte() {
    assertThat(RegistryzJson.write(List.of(TestServices.reviews(), TestServices.externalApi()), true))
        .isEqualTo(golden("example-pretty.json"));
  }

  @Test
  void compactOutputHasNoWhitespace() {
    assertThat(RegistryzJson.write(List.of(TestServices.reviews(), TestServices.externalApi()), false))
        .isEqualTo(golden("example-compact.json"));
  }

  @Test
  void headlessServiceHasPassthroughResolutionAndUnspecifiedVip() {
    assertThat(RegistryzJson.write(List.of(TestServices.headless()), true)).isEqualTo(golden("headless.json"));
  }

  @Test
  void externalNameServiceIsAnAliasOutsideTheMesh() {
    assertThat(RegistryzJson.write(List.of(TestServices.externalName()), true))
        .isEqualTo(golden("external-name.json"));
  }

  @Test
  void dualStackServiceListsEveryClusterIp() {
    assertThat(RegistryzJson.write(List.of(TestServices.dualStack()), true)).isEqualTo(golden("dual-stack.json"));
  }

  @Test
  void edgeShapesMatchGo() {
    // unnamed UnsupportedProtocol port, string-sorted integer keys, sets, HTML and control escapes,
    // service accounts, zero time, several clusters
    ServiceAttributes a = new ServiceAttributes(RegistryKind.KUBERNETES, "gw", "istio-system",
        Map.of("a<b", "x&y>z", "ctl", "\u0001\u001f\b\f\n\r\t\"\\\u2028\u2029\u007f é"),
        Set.of("~", ".", "istio-system", "*"), ServiceVisibility.PUBLIC, Map.of(),
        Map.of("Kubernetes", List.of("1.2.3.4", "lb.example.com")),
        Map.of("Kubernetes", Map.of(80, 30080, 443, 30443, 15443, 31443)),
        Map.of(9, 90, 10, 100, 100, 1000),
        "NodePort", "", true, 2, "", 1, false);
    Service gw = new Service(a,
        List.of(new Port("", 8080, Protocol.UNSUPPORTED), new Port("tcp", 15443, Protocol.TCP)),
        List.of("spiffe://cluster.local/ns/istio-system/sa/gw"), Service.ZERO_TIME,
        "gw.istio-system.svc.cluster.local",
        Map.of("Kubernetes", List.of("10.0.0.1"), "Cluster-B", List.of("10.1.0.1")),
        "10.0.0.1", "", "", Resolution.CLIENT_SIDE_LB, false, "7");

    assertThat(RegistryzJson.write(List.of(gw), false)).isEqualTo(golden("edge-compact.json"));
  }

  @Test
  void unnamedPortOmitsNameButKeepsUnsupportedProtocol() {
    Service s = withPorts(List.of(new Port("", 8080, Protocol.UNSUPPORTED)));

    assertThat(RegistryzJson.write(List.of(s), false))
        .contains("\"ports\":[{\"port\":8080,\"protocol\":\"UnsupportedProtocol\"}]");
  }

  @Test
  void integerMapKeysSortAsStrings() {
    ServiceAttributes a = new ServiceAttributes(RegistryKind.EXTERNAL, "db.example.com", "ns", Map.of(), Set.of(), ServiceVisibility.PUBLIC,
        Map.of(), Map.of(), Map.of(), Map.of(80, 8080, 443, 8443, 15443, 15443), "", "", false, 0, "db", 0, false);
    Service s = new Service(a, List.of(), List.of(), null, "db.example.com", Map.of(), "0.0.0.0", "", "",
        Resolution.PASSTHROUGH, true, "");

    assertThat(RegistryzJson.write(List.of(s), false))
        .contains("\"PassthroughTargetPorts\":{\"15443\":15443,\"443\":8443,\"80\":8080}");
  }

  @Test
  void htmlCharactersAreEscapedAsGoDoes() {
    ServiceAttributes a = new ServiceAttributes(RegistryKind.KUBERNETES, "web", "default",
        Map.of("note", "<b>&</b>"), Set.of(), ServiceVisibility.PUBLIC, Map.of(), Map.of(), Map.of(), Map.of(), "ClusterIP", "", false, 0, "",
        0, false);
    Service s = new Service(a, List.of(), List.of(), null, "web.default.svc.cluster.local", Map.of(), "", "", "",
        Resolution.CLIENT_SIDE_LB, false, "");

    assertThat(RegistryzJson.write(List.of(s), false))
        .contains("\"Labels\":{\"note\":\"\\u003cb\\u003e\\u0026\\u003c/b\\u003e\"}");
  }

  @Test
  void emptyRegistryIsAnEmptyArrayCompactAndPretty() {
    assertThat(RegistryzJson.write(List.of(), false)).isEqualTo("[]");
    assertThat(RegistryzJson.write(List.of(), true)).isEqualTo("[]");
  }

  @Test
  void emptyOptionalStringsAreOmittedAndResourceVersionIsKept() {
    Service s = TestServices.external("api.example.com", "default");
    Service noAddress = new Service(s.attributes(), s.ports(), s.serviceAccounts(), s.creationTime(), s.hostname(),
        s.clusterVIPs(), "", "", "", s.resolution(), s.meshExternal(), "");

    assertThat(RegistryzJson.write(List.of(noAddress), false))
        .doesNotContain("defaultAddress", "autoAllocatedIPv4Address", "autoAllocatedIPv6Address", "ports",
            "serviceAccounts")
        .contains("\"clusterVIPs\":{\"Addresses\":null}", "\"ResourceVersion\":\"\"");
  }

  @Test
  void creationTimeKeepsNanosecondsWithoutTrailingZeros() {
    Service s = TestServices.k8s("web", "default");
    Service timed = new Service(s.attributes(), s.ports(), s.serviceAccounts(),
        Instant.parse("2024-01-02T03:04:05.123456780Z"), s.hostname(), s.clusterVIPs(), s.defaultAddress(), "", "",
        s.resolution(), false, "1");

    assertThat(RegistryzJson.write(List.of(timed), false))
        .contains("\"creationTime\":\"2024-01-02T03:04:05.12345678Z\"");
  }

  @Test
  void visibilitySitsBetweenExportToAndLabelSelectorsAsIstiodsInteger() {
    Service s = TestServices.externalApi();
    Service scoped = new Service(withVisibility(s.attributes(), ServiceVisibility.NAMESPACE), s.ports(),
        s.serviceAccounts(), s.creationTime(), s.hostname(), s.clusterVIPs(), s.defaultAddress(),
        s.autoAllocatedIPv4Address(), s.autoAllocatedIPv6Address(), s.resolution(), s.meshExternal(), "");

    assertThat(RegistryzJson.write(List.of(s), false)).contains("\"ExportTo\":null,\"Visibility\":0,\"LabelSelectors\"");
    assertThat(RegistryzJson.write(List.of(scoped), false))
        .contains("\"ExportTo\":null,\"Visibility\":1,\"LabelSelectors\"");
  }

  private static ServiceAttributes withVisibility(ServiceAttributes a, ServiceVisibility visibility) {
    return new ServiceAttributes(a.registry(), a.name(), a.namespace(), a.labels(), a.exportTo(), visibility,
        a.labelSelectors(), a.clusterExternalAddresses(), a.clusterExternalPorts(), a.passthroughTargetPorts(),
        a.type(), a.externalName(), a.nodeLocal(), a.trafficDistribution(), a.objectName(), a.dnsConnectStrategy(),
        a.publishNotReadyAddresses());
  }

  private static Service withPorts(List<Port> ports) {
    Service s = TestServices.k8s("web", "default");
    return new Service(s.attributes(), ports, s.serviceAccounts(), s.creationTime(), s.hostname(), s.clusterVIPs(),
        s.defaultAddress(), "", "", s.resolution(), false, "1");
  }

  static String golden(String name) {
    try (InputStream in = RegistryzJsonTest.class.getResourceAsStream("/registryz/" + name)) {
      assertThat(in).as("test resource registryz/%s", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
