package io.meshpilot.debughttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.HealthStatus;
import io.meshpilot.registry.model.Locality;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointShardzJsonTest {
  private static final Endpoint REVIEWS_V1 = new Endpoint(List.of("10.1.0.5"), "http", 0, 9080,
      Map.of("app", "reviews", "topology.istio.io/cluster", "Kubernetes"),
      "spiffe://cluster.local/ns/default/sa/bookinfo-reviews", "", new Locality("us-east1/us-east1-b/", "Kubernetes"),
      0, "istio", "default", "reviews-v1", "", "", HealthStatus.HEALTHY, "node-1");

  @Test
  void writesIstioEndpointsWithIstiodsPascalCaseKeysInOrder() {
    String json = EndpointShardzJson.write(
        Map.of("reviews.default.svc.cluster.local", Map.of("default", Map.of("Kubernetes/Kubernetes", List.of(REVIEWS_V1)))),
        false);

    assertThat(json).isEqualTo("{\"reviews.default.svc.cluster.local\":{\"default\":{\"Shards\":{"
        + "\"Kubernetes/Kubernetes\":[{\"Labels\":{\"app\":\"reviews\",\"topology.istio.io/cluster\":\"Kubernetes\"},"
        + "\"Addresses\":[\"10.1.0.5\"],\"ServicePortName\":\"http\",\"LegacyClusterPortKey\":0,"
        + "\"ServiceAccount\":\"spiffe://cluster.local/ns/default/sa/bookinfo-reviews\",\"Network\":\"\","
        + "\"Locality\":{\"Label\":\"us-east1/us-east1-b/\",\"ClusterID\":\"Kubernetes\"},\"EndpointPort\":9080,"
        + "\"LbWeight\":0,\"TLSMode\":\"istio\",\"Namespace\":\"default\",\"WorkloadName\":\"reviews-v1\","
        + "\"HostName\":\"\",\"SubDomain\":\"\",\"HealthStatus\":1,\"SendUnhealthyEndpoints\":false,"
        + "\"NodeName\":\"node-1\"}]},"
        + "\"ServiceAccounts\":{\"spiffe://cluster.local/ns/default/sa/bookinfo-reviews\":{}}}}}");
  }

  @Test
  void shardsWithoutIdentitiesHaveAnEmptyServiceAccountSetAndEmptyShardsAreEmptyArrays() {
    Endpoint external = new Endpoint(List.of("api.example.com"), "https", 443, 443, Map.of(), "", "",
        null, 0, "disabled", "default", "", "", "", HealthStatus.HEALTHY, "");

    String json = EndpointShardzJson.write(Map.of("api.example.com", Map.of("default",
        Map.of("External/Kubernetes", List.of(external), "Kubernetes/Kubernetes", List.of()))), false);

    assertThat(json).startsWith("{\"api.example.com\":{\"default\":{\"Shards\":{\"External/Kubernetes\":[{\"Labels\":null,")
        .contains("\"LegacyClusterPortKey\":443,")
        .endsWith("\"Kubernetes/Kubernetes\":[]},\"ServiceAccounts\":{}}}}");
  }

  @Test
  void noServicesIsAnEmptyObject() {
    assertThat(EndpointShardzJson.write(Map.of(), false)).isEqualTo("{}");
  }
}
