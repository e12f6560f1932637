package io.meshpilot.registry.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SliceInfoTest {
  private static EndpointSliceBuilder slice() {
    return new EndpointSliceBuilder().withNewMetadata().withNamespace("shop").withName("reviews-abc")
        .withLabels(Map.of("kubernetes.io/service-name", "reviews")).endMetadata().withAddressType("IPv4")
        .addNewPort().withName("http").withPort(9080).endPort()
        .addNewPort().withName("all").endPort()
        .addNewEndpoint().withAddresses("10.1.0.5").withNodeName("node-a")
        .withTargetRef(new ObjectReferenceBuilder().withKind("Pod").withName("reviews-1").build())
        .withNewConditions().withReady(false).withServing(true).withTerminating(true).endConditions().endEndpoint()
        .addNewEndpoint().withAddresses("10.1.0.6")
        .withTargetRef(new ObjectReferenceBuilder().withKind("Node").withName("n").build()).endEndpoint();
  }

  @Test
  void projectsPortsAndEndpoints() {
    SliceInfo info = SliceInfo.from(slice().build()).orElseThrow();

    assertThat(info.namespace()).isEqualTo("shop");
    assertThat(info.name()).isEqualTo("reviews-abc");
    assertThat(info.serviceName()).isEqualTo("reviews");
    assertThat(info.ports()).containsExactly(new SliceInfo.SlicePort("http", 9080));
    assertThat(info.endpoints()).containsExactly(
        new SliceInfo.SliceEndpoint(List.of("10.1.0.5"), false, true, true, "node-a", "reviews-1"),
        new SliceInfo.SliceEndpoint(List.of("10.1.0.6"), null, null, null, "", ""));
  }

  @Test
  void fqdnSlicesAreIgnored() {
    assertThat(SliceInfo.from(slice().withAddressType("FQDN").build())).isEqualTo(Optional.empty());
  }

  @Test
  void multiClusterSlicesAreIgnored() {
    assertThat(SliceInfo.from(slice().editMetadata()
        .addToLabels("multicluster.kubernetes.io/service-name", "reviews").endMetadata().build())).isEmpty();
  }

  @Test
  void slicesWithoutServiceNameAreIgnored() {
    assertThat(SliceInfo.from(slice().editMetadata().withLabels(Map.of()).endMetadata().build())).isEmpty();
  }

  @Test
  void coreEndpointsBecomeOneSliceNamedForTheService() {
    SliceInfo info = SliceInfo.from(new EndpointsBuilder().withNewMetadata().withNamespace("shop")
        .withName("reviews").endMetadata()
        .addNewSubset().addNewAddress().withIp("10.1.0.5").withNodeName("node-a")
        .withTargetRef(new ObjectReferenceBuilder().withKind("Pod").withName("reviews-1").build()).endAddress()
        .addNewNotReadyAddress().withIp("10.1.0.6").endNotReadyAddress()
        .addNewPort().withName("http").withPort(9080).endPort().endSubset()
        .addNewSubset().addNewAddress().withIp("10.1.0.7").endAddress()
        .addNewPort().withName("http").withPort(9080).endPort()
        .addNewPort().withName("grpc").withPort(7070).endPort().endSubset()
        .build());

    assertThat(info.serviceName()).isEqualTo("reviews");
    assertThat(info.name()).isEqualTo("reviews");
    assertThat(info.ports()).containsExactly(new SliceInfo.SlicePort("http", 9080), new SliceInfo.SlicePort("grpc", 7070));
    assertThat(info.endpoints()).containsExactly(
        new SliceInfo.SliceEndpoint(List.of("10.1.0.5"), true, true, false, "node-a", "reviews-1"),
        new SliceInfo.SliceEndpoint(List.of("10.1.0.6"), false, false, false, "", ""),
        new SliceInfo.SliceEndpoint(List.of("10.1.0.7"), true, true, false, "", ""));
  }
}
