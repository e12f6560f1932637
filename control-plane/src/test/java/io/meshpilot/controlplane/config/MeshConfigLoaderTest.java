package io.meshpilot.controlplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshpilot.xds.OutboundTrafficPolicy;
import java.io.IOException;
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
  void wrongModeFailsNamingTheField() {
    assertThatThrownBy(() -> MeshConfigLoader.parse("outboundTrafficPolicy: {mode: SOMETIMES}", "mesh.yaml"))
        .isInstanceOf(IOException.class)
        .hasMessage("mesh.yaml: outboundTrafficPolicy.mode must be ALLOW_ANY or REGISTRY_ONLY, got \"SOMETIMES\"");
  }
}
