package io.meshpilot.registry.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeInfoTest {
  private static NodeInfo node(Map<String, String> labels) {
    return NodeInfo.from(new NodeBuilder().withNewMetadata().withName("node-a").withLabels(labels).endMetadata()
        .build());
  }

  @Test
  void keepsOnlyTopologyLabels() {
    NodeInfo info = node(Map.of("topology.kubernetes.io/region", "us-east1", "kubernetes.io/os", "linux"));

    assertThat(info.name()).isEqualTo("node-a");
    assertThat(info.labels()).isEqualTo(Map.of("topology.kubernetes.io/region", "us-east1"));
  }

  @Test
  void localityIsRegionZoneSubzone() {
    NodeInfo info = node(Map.of("topology.kubernetes.io/region", "us-east1",
        "topology.kubernetes.io/zone", "us-east1-b", "topology.istio.io/subzone", "rack7"));

    assertThat(info.locality()).isEqualTo("us-east1/us-east1-b/rack7");
  }

  @Test
  void localityKeepsTheTrailingSlashWithoutSubzone() {
    NodeInfo info = node(Map.of("topology.kubernetes.io/region", "us-east1", "topology.kubernetes.io/zone", "us-east1-b"));

    assertThat(info.locality()).isEqualTo("us-east1/us-east1-b/");
  }

  @Test
  void betaLabelsAreTheFallback() {
    NodeInfo info = node(Map.of("failure-domain.beta.kubernetes.io/region", "eu",
        "failure-domain.beta.kubernetes.io/zone", "eu-1", "topology.kubernetes.io/zone", "eu-2"));

    assertThat(info.locality()).isEqualTo("eu/eu-2/");
  }

  @Test
  void nodeWithoutTopologyHasNoLocality() {
    assertThat(node(Map.of("kubernetes.io/os", "linux")).locality()).isEmpty();
    assertThat(NodeInfo.from(new NodeBuilder().withNewMetadata().withName("bare").endMetadata().build()).locality())
        .isEmpty();
  }
}
