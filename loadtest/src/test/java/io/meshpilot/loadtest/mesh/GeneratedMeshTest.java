package io.meshpilot.loadtest.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GeneratedMeshTest {
  private final GeneratedMesh mesh = new GeneratedMesh(new MeshSpec(25, 4, 3));

  @Test
  void servicesAreDealtRoundRobinOverTheNamespaces() {
    assertThat(mesh.services()).hasSize(25);
    assertThat(mesh.service(0)).isEqualTo(new GeneratedMesh.ServiceRef("svc-0000", "lt-00"));
    assertThat(mesh.service(5)).isEqualTo(new GeneratedMesh.ServiceRef("svc-0005", "lt-01"));
    assertThat(mesh.namespaces()).containsExactly("lt-00", "lt-01", "lt-02", "lt-03");
  }

  @Test
  void eachServiceIsAClusterIpServiceWithOneHttpPortAndASliceOfReadyEndpoints() {
    GeneratedMesh.ServiceObjects first = mesh.services().get(0);
    assertThat(first.service().getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(first.service().getSpec().getClusterIP()).isEqualTo("10.96.1.1");
    assertThat(first.service().getSpec().getPorts()).singleElement()
        .satisfies(p -> {
          assertThat(p.getName()).isEqualTo("http");
          assertThat(p.getPort()).isEqualTo(8080);
        });
    assertThat(first.slice().getMetadata().getLabels()).containsEntry("kubernetes.io/service-name", "svc-0000");
    assertThat(first.slice().getEndpoints()).hasSize(3)
        .allSatisfy(e -> assertThat(e.getConditions().getReady()).isTrue())
        .allSatisfy(e -> assertThat(e.getTargetRef()).isNull());
  }

  @Test
  void everyAddressInTheMeshIsDistinct() {
    Set<String> addresses = new HashSet<>();
    int count = 0;
    for (GeneratedMesh.ServiceObjects s : mesh.services()) {
      addresses.add(s.service().getSpec().getClusterIP());
      count++;
      for (Endpoint e : s.slice().getEndpoints()) {
        addresses.addAll(e.getAddresses());
        count += e.getAddresses().size();
      }
    }
    addresses.add(MeshAddresses.added(0));
    addresses.add(MeshAddresses.sidecar(0));
    assertThat(addresses).hasSize(count + 2);
  }

  @Test
  void anAddedEndpointExtendsTheServicesSlice() {
    GeneratedMesh.ServiceObjects edited = mesh.withAddedEndpoint(0, MeshAddresses.added(0));
    List<String> addresses = edited.slice().getEndpoints().stream().flatMap(e -> e.getAddresses().stream()).toList();
    assertThat(addresses).containsExactly("10.244.0.1", "10.244.0.2", "10.244.0.3", "10.250.0.1");
    assertThat(edited.slice().getMetadata().getName()).isEqualTo(mesh.services().get(0).slice().getMetadata().getName());
  }

  @Test
  void anExtraServiceLiesBeyondTheSpec() {
    GeneratedMesh.ServiceObjects extra = mesh.extraService(25);
    assertThat(extra.ref().outboundCluster()).isEqualTo("outbound|8080||svc-0025.lt-01.svc.cluster.local");
    assertThatThrownBy(() -> mesh.extraService(24)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void specsTooLargeForTheAddressRangesAreRejected() {
    assertThatThrownBy(() -> new MeshSpec(30_000, 10, 3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new MeshSpec(0, 10, 3)).isInstanceOf(IllegalArgumentException.class);
  }
}
