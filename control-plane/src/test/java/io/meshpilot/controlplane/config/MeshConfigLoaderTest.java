package io.meshpilot.controlplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshpilot.registry.networking.DestinationRule.ConnectionPoolSettings.TcpKeepalive;
import io.meshpilot.registry.networking.DestinationRule.LocalityLbSetting;
import io.meshpilot.registry.networking.VirtualService.HttpRetry;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.OutboundTrafficPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeshConfigLoaderTest {
  @Test
  void emptyFileGivesIstiodDefaults() throws IOException {
    MeshConfig mesh = MeshConfigLoader.parse("", "mesh.yaml");
    assertThat(mesh).isEqualTo(MeshConfig.defaults());
    assertThat(mesh.outboundTrafficPolicyMode()).isEqualTo(OutboundTrafficPolicy.ALLOW_ANY);
    assertThat(mesh.defaultServiceExportTo()).containsExactly("*");
  }

  @Test
  void readsTheFieldsMeshpilotUsesAndIgnoresTheRest() throws IOException {
    MeshConfig mesh = MeshConfigLoader.parse("""
        outboundTrafficPolicy: {mode: REGISTRY_ONLY}
        defaultServiceExportTo: [".", "istio-system"]
        rootNamespace: mesh-root
        trustDomain: example.org
        enableAutoMtls: true
        """, "mesh.yaml");
    assertThat(mesh).isEqualTo(new MeshConfig(OutboundTrafficPolicy.REGISTRY_ONLY, java.util.List.of(".", "istio-system"),
        "mesh-root", "example.org"));
    // the root namespace decides whose selector-less Sidecar applies mesh-wide
    assertThat(mesh.toMeshSettings("cluster.local").rootNamespace()).isEqualTo("mesh-root");
  }

  @Test
  void readsTheUpstreamDefaultsIstiodGivesEveryClusterAndRoute() throws IOException {
    MeshConfig mesh = MeshConfigLoader.parse("""
        connectTimeout: 2.5s
        tcpKeepalive: {probes: 3, time: 600s, interval: 75s}
        defaultHttpRetryPolicy: {attempts: 4, retryOn: "5xx,gateway-error", perTryTimeout: 2s, backoff: 25ms}
        """, "mesh.yaml");

    MeshSettings settings = mesh.toMeshSettings("cluster.local");
    assertThat(settings.connectTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(settings.tcpKeepalive()).contains(new TcpKeepalive(3, "600s", "75s"));
    assertThat(settings.defaultHttpRetryPolicy())
        .contains(new HttpRetry(4, "2s", "5xx,gateway-error", null, null, "25ms"));
  }

  @Test
  void withoutThemIstiodsUpstreamDefaultsApply() throws IOException {
    MeshSettings settings = MeshConfigLoader.parse("trustDomain: example.org", "mesh.yaml")
        .toMeshSettings("cluster.local");

    assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.tcpKeepalive()).isEmpty();
    assertThat(settings.defaultHttpRetryPolicy()).isEmpty();
  }

  @Test
  void badUpstreamDefaultsFailNamingTheField() {
    assertThatThrownBy(() -> MeshConfigLoader.parse("connectTimeout: 2h", "mesh.yaml"))
        .isInstanceOf(IOException.class)
        .hasMessage("mesh.yaml: connectTimeout must be between 1ms and 1h in whole milliseconds, got \"2h\"");
    assertThatThrownBy(() -> MeshConfigLoader.parse("tcpKeepalive: {time: often}", "mesh.yaml"))
        .isInstanceOf(IOException.class)
        .hasMessage("mesh.yaml: tcpKeepalive.time is not a duration (e.g. \"10s\", \"1.5s\"), got \"often\"");
    assertThatThrownBy(() -> MeshConfigLoader.parse("defaultHttpRetryPolicy: {attemps: 3}", "mesh.yaml"))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("mesh.yaml: defaultHttpRetryPolicy is not valid: Unrecognized field \"attemps\"");
  }

  @Test
  void readsTheMeshKeyOfIstiodsConfigMap() throws IOException {
    MeshConfig mesh = MeshConfigLoader.parse("""
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: istio, namespace: istio-system}
        data:
          mesh: |-
            outboundTrafficPolicy:
              mode: REGISTRY_ONLY
        """, "istio.yaml");
    assertThat(mesh.outboundTrafficPolicyMode()).isEqualTo(OutboundTrafficPolicy.REGISTRY_ONLY);
  }

  @Test
  void readsTheMeshWideLocalityLbSettingEnabledUnlessSaidOtherwise() throws IOException {
    MeshConfig mesh = MeshConfigLoader.parse("""
        localityLbSetting:
          failover: [{from: us-east1, to: eu-west1}]
        """, "mesh.yaml");
    assertThat(mesh.toMeshSettings("cluster.local").localityLbSetting()).isEqualTo(new LocalityLbSetting(
        null, List.of(new LocalityLbSetting.Failover("us-east1", "eu-west1")), null, true));
    assertThat(MeshConfigLoader.parse("localityLbSetting: {enabled: false}", "mesh.yaml").localityLbSetting().enabled())
        .isFalse();
    assertThat(MeshConfig.defaults().localityLbSetting().enabled()).isTrue();
  }

  @Test
  void aMalformedLocalityLbSettingFailsNamingTheField() {
    assertThatThrownBy(() -> MeshConfigLoader.parse("localityLbSetting: {failover: oops}", "mesh.yaml"))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("mesh.yaml: localityLbSetting is not a LocalityLoadBalancerSetting: ");
  }

  @Test
  void wrongModeFailsNamingTheField() {
    assertThatThrownBy(() -> MeshConfigLoader.parse("outboundTrafficPolicy: {mode: SOMETIMES}", "mesh.yaml"))
        .isInstanceOf(IOException.class)
        .hasMessage("mesh.yaml: outboundTrafficPolicy.mode must be ALLOW_ANY or REGISTRY_ONLY, got \"SOMETIMES\"");
  }
}
