package io.meshpilot.xds.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProxyParserTest {
  private static Value text(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  private static Node node(String id, Map<String, Value> metadata) {
    return Node.newBuilder().setId(id).setMetadata(Struct.newBuilder().putAllFields(metadata)).build();
  }

  @Test
  void parsesIstioNodeIdAndMetadata() throws InvalidProxyException {
    Struct labels = Struct.newBuilder().putFields("app", text("reviews")).putFields("version", text("v1")).build();
    Proxy proxy = ProxyParser.parse(node("sidecar~10.1.2.3~reviews-v1-abc.default~default.svc.cluster.local", Map.of(
        "NAMESPACE", text("default"), "LABELS", Value.newBuilder().setStructValue(labels).build(),
        "INSTANCE_IPS", text("10.1.2.3,fd00::3"), "CLUSTER_ID", text("east"), "ISTIO_VERSION", text("1.30.0"),
        "INTERCEPTION_MODE", text("NONE"))));

    assertThat(proxy.type()).isEqualTo("sidecar");
    assertThat(proxy.id()).isEqualTo("reviews-v1-abc.default");
    assertThat(proxy.namespace()).isEqualTo("default");
    assertThat(proxy.dnsDomain()).isEqualTo("default.svc.cluster.local");
    assertThat(proxy.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("app", "reviews", "version", "v1"));
    assertThat(proxy.instanceIps()).containsExactly("10.1.2.3", "fd00::3");
    assertThat(proxy.ipAddress()).isEqualTo("10.1.2.3");
    assertThat(proxy.clusterId()).isEqualTo("east");
    assertThat(proxy.istioVersion()).isEqualTo("1.30.0");
    assertThat(proxy.interceptionMode()).isEqualTo(InterceptionMode.NONE);
    assertThat(proxy.proxyless()).isFalse();
  }

  @Test
  void localityComesFromTopologyLabelsThenTheLocalityLabelThenTheNode() throws InvalidProxyException {
    String id = "sidecar~10.0.0.9~p.shop~shop.svc.cluster.local";
    Locality nodeLocality = Locality.newBuilder().setRegion("node-r").setZone("node-z").build();
    Value topology = Value.newBuilder().setStructValue(Struct.newBuilder()
        .putFields("topology.kubernetes.io/region", text("us-east1"))
        .putFields("topology.kubernetes.io/zone", text("us-east1-b"))).build();
    Value localityLabel = Value.newBuilder().setStructValue(Struct.newBuilder()
        .putFields("istio-locality", text("eu-west1.a.rack1"))).build();

    assertThat(ProxyParser.parse(node(id, Map.of("LABELS", topology)).toBuilder().setLocality(nodeLocality).build())
        .locality()).isEqualTo("us-east1/us-east1-b/");
    assertThat(ProxyParser.parse(node(id, Map.of("LABELS", localityLabel)).toBuilder().setLocality(nodeLocality)
        .build()).locality()).isEqualTo("eu-west1/a/rack1");
    assertThat(ProxyParser.parse(node(id, Map.of()).toBuilder().setLocality(nodeLocality).build()).locality())
        .isEqualTo("node-r/node-z/");
    assertThat(ProxyParser.parse(node(id, Map.of())).locality()).isEmpty();
  }

  @Test
  void dnsCaptureIsPilotAgentsStringBool() throws InvalidProxyException {
    String id = "sidecar~10.0.0.9~p.shop~shop.svc.cluster.local";
    assertThat(ProxyParser.parse(node(id, Map.of("DNS_CAPTURE", text("true")))).dnsCapture()).isTrue();
    assertThat(ProxyParser.parse(node(id, Map.of("DNS_CAPTURE", text("1")))).usesAutoAllocatedVips()).isTrue();
    assertThat(ProxyParser.parse(node(id, Map.of("DNS_CAPTURE", text("false")))).dnsCapture()).isFalse();
    assertThat(ProxyParser.parse(node(id, Map.of())).usesAutoAllocatedVips()).isFalse();
  }

  @Test
  void defaultsNamespaceFromTheDnsDomainAndIpFromTheNodeIdAndModeToRedirect() throws InvalidProxyException {
    Proxy proxy = ProxyParser.parse(node("sidecar~10.0.0.9~p.shop~shop.svc.cluster.local", Map.of(
        "INTERCEPTION_MODE", text("bogus"), "GENERATOR", text("grpc"))));
    assertThat(proxy.namespace()).isEqualTo("shop");
    assertThat(proxy.instanceIps()).containsExactly("10.0.0.9");
    assertThat(proxy.clusterId()).isEqualTo("Kubernetes");
    assertThat(proxy.interceptionMode()).isEqualTo(InterceptionMode.REDIRECT);
    assertThat(proxy.proxyless()).isTrue();
  }

  @Test
  void rejectsMalformedNodeIdsWithTheReason() {
    assertThatThrownBy(() -> ProxyParser.parse(node("", Map.of()))).hasMessageContaining("empty");
    assertThatThrownBy(() -> ProxyParser.parse(node("sidecar~10.0.0.1~p.ns", Map.of()))).hasMessageContaining("4 parts");
    assertThatThrownBy(() -> ProxyParser.parse(node("robot~10.0.0.1~p.ns~ns.svc.cluster.local", Map.of())))
        .hasMessageContaining("unknown proxy type");
    assertThatThrownBy(() -> ProxyParser.parse(node("sidecar~not-an-ip~p.ns~ns.svc.cluster.local", Map.of())))
        .hasMessageContaining("no valid IP");
  }

  @Test
  void instanceIpsThatAreNotIpLiteralsAreSkippedWithoutANameLookup() throws InvalidProxyException {
    Proxy proxy = ProxyParser.parse(node("sidecar~10.0.0.9~p.shop~shop.svc.cluster.local", Map.of(
        "INSTANCE_IPS", text("reviews.probe-lookup.invalid:9080,1.2.3,10.0.0.9, fd00::9"))));

    assertThat(proxy.instanceIps()).containsExactly("10.0.0.9", "fd00::9");
    assertThat(RecordingResolverProvider.lookups()).noneMatch(name -> name.contains("probe-lookup"));
  }

  @Test
  void aNodeIdIpThatIsNotALiteralIsRefusedWithoutANameLookup() {
    assertThatThrownBy(() -> ProxyParser.parse(node("sidecar~node-probe-lookup.invalid:1~p.ns~ns.svc.cluster.local",
        Map.of()))).isInstanceOf(InvalidProxyException.class).hasMessageContaining("no valid IP");
    assertThat(RecordingResolverProvider.lookups()).noneMatch(name -> name.contains("probe-lookup"));
  }

  @Test
  void metadataOfTheWrongShapeIsRefusedSayingWhich() {
    Struct numericLabel = Struct.newBuilder().putFields("replicas", Value.newBuilder().setNumberValue(3).build()).build();
    assertThatThrownBy(() -> ProxyParser.parse(node("sidecar~10.0.0.1~p.ns~ns.svc.cluster.local",
        Map.of("LABELS", Value.newBuilder().setStructValue(numericLabel).build()))))
        .hasMessageContaining("metadata LABELS[replicas] must be a string, not a number");
    assertThatThrownBy(() -> ProxyParser.parse(node("sidecar~10.0.0.1~p.ns~ns.svc.cluster.local",
        Map.of("LABELS", text("app=reviews")))))
        .hasMessageContaining("metadata LABELS must be a map of strings, not a string");
    assertThatThrownBy(() -> ProxyParser.parse(node("sidecar~10.0.0.1~p.ns~ns.svc.cluster.local",
        Map.of("INSTANCE_IPS", Value.newBuilder().setBoolValue(true).build()))))
        .hasMessageContaining("metadata INSTANCE_IPS must be a string, not a boolean");
  }

  @Test
  void oversizedMetadataIsRefusedWithItsSizeAndTheLimit() {
    Struct.Builder labels = Struct.newBuilder();
    for (int i = 0; i <= NodeLimits.MAX_LABELS; i++) {
      labels.putFields("label-" + i, text("v"));
    }
    assertThatThrownBy(() -> ProxyParser.parse(node("sidecar~10.0.0.1~p.ns~ns.svc.cluster.local",
        Map.of("LABELS", Value.newBuilder().setStructValue(labels).build()))))
        .hasMessageContaining("metadata LABELS has 257 entries, more than the 256 allowed");

    assertThatThrownBy(() -> ProxyParser.parse(node("sidecar~10.0.0.1~p.ns~ns.svc.cluster.local",
        Map.of("ANNOTATIONS", text("x".repeat(NodeLimits.MAX_METADATA_BYTES))))))
        .hasMessageMatching(".*metadata is \\d+ bytes serialized, more than the 65536 allowed");

    String manyIps = String.join(",", Collections.nCopies(NodeLimits.MAX_INSTANCE_IPS + 1, "10.0.0.1"));
    assertThatThrownBy(() -> ProxyParser.parse(node("sidecar~10.0.0.1~p.ns~ns.svc.cluster.local",
        Map.of("INSTANCE_IPS", text(manyIps)))))
        .hasMessageContaining("metadata INSTANCE_IPS has 33 entries, more than the 32 allowed");

    assertThatThrownBy(() -> ProxyParser.parse(node("sidecar~10.0.0.1~p.ns~" + "a".repeat(2000), Map.of())))
        .hasMessageContaining("node.id is 2022 characters, more than the 1024 allowed");
  }
}
