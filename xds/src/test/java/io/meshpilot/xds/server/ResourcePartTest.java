package io.meshpilot.xds.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourcePartTest {
  private final ResourcePart part = ResourcePart.ofEncoded(
      List.of(assignment("a", "10.0.0.1"), assignment("b", "10.0.0.2"), assignment("c", "10.0.0.3")), null);

  @Test
  void replacingInPlaceEqualsAPartBuiltFromTheSameResources() {
    EncodedResource newB = assignment("b", "10.0.0.9");

    ResourcePart replaced = part.replacing(List.of(newB));

    ResourcePart built = ResourcePart.ofEncoded(List.of(part.get("a"), newB, part.get("c")), null);
    assertThat(replaced.hash()).isEqualTo(built.hash()).isNotEqualTo(part.hash());
    assertThat(replaced.bytes()).isEqualTo(built.bytes());
    assertThat(replaced.resources()).containsExactly(part.get("a"), newB, part.get("c"));
    assertThat(replaced.get("b")).isSameAs(newB);
    assertThat(replaced.position("c")).isEqualTo(2);
    assertThat(replaced.names()).isSameAs(part.names());
    assertThat(replaced.changedSince(part)).containsExactly(newB);
    // the part it came from is untouched
    assertThat(part.get("b").version()).isNotEqualTo(newB.version());
  }

  @Test
  void replacingWithEqualContentKeepsThePart() {
    assertThat(part.replacing(List.of(assignment("a", "10.0.0.1")))).isSameAs(part);
    assertThat(part.replacing(List.of())).isSameAs(part);
  }

  @Test
  void replacingANameThePartDoesNotHaveIsRefused() {
    assertThatThrownBy(() -> part.replacing(List.of(assignment("d", "10.0.0.4"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("d");
  }

  private static EncodedResource assignment(String cluster, String ip) {
    return EncodedResource.of(ClusterLoadAssignment.newBuilder().setClusterName(cluster)
        .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder()
            .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder()
                .setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(80))))))
        .build());
  }
}
