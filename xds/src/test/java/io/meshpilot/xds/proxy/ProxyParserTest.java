package io.meshpilot.xds.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
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
}
