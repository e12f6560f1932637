package io.meshpilot.xds.endpoint;

import static io.meshpilot.xds.cluster.MeshFixture.pod;
import static io.meshpilot.xds.cluster.MeshFixture.port;
import static io.meshpilot.xds.cluster.MeshFixture.service;
import static io.meshpilot.xds.cluster.MeshFixture.serviceEntry;
import static io.meshpilot.xds.cluster.MeshFixture.sidecar;
import static io.meshpilot.xds.cluster.MeshFixture.slice;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.meshpilot.xds.TrafficFixture;
import io.meshpilot.xds.cluster.MeshFixture;
import io.meshpilot.xds.proxy.Proxy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointGeneratorTest {
  private static final String REVIEWS = "outbound|9080||reviews.default.svc.cluster.local";
  private final MeshFixture mesh = new MeshFixture();
  private final Proxy client = sidecar("default", "10.244.9.9");

  private ClusterLoadAssignment cla(String name) {
    return EndpointGenerator.generate(name, client, mesh.push());
  }

  private static List<String> addresses(ClusterLoadAssignment cla) {
    return cla.getEndpointsList().stream().flatMap(l -> l.getLbEndpointsList().stream())
        .map(e -> e.getEndpoint().getAddress().getSocketAddress().getAddress() + ":"
            + e.getEndpoint().getAddress().getSocketAddress().getPortValue())
        .toList();
  }

  @Test
  void readyEndpointsAreGroupedByLocalityWithSummedWeights() {
    mesh.with(service("default", "reviews", "10.96.0.12", port("http", 9080)),
        pod("default", "reviews-1", "10.244.0.1", "reviews", Map.of("topology.istio.io/locality", "us-east1.b")),
        pod("default", "reviews-2", "10.244.0.2", "reviews", Map.of("topology.istio.io/locality", "us-east1.b")),
        pod("default", "reviews-3", "10.244.0.3", "reviews", Map.of("topology.istio.io/locality", "eu-west1.a.rack1")),
        slice("default", "reviews", "http", 9080,
            Map.of("10.244.0.1", "reviews-1", "10.244.0.2", "reviews-2", "10.244.0.3", "reviews-3")));

    ClusterLoadAssignment cla = cla(REVIEWS);

    assertThat(cla.getClusterName()).isEqualTo(REVIEWS);
    assertThat(cla.getEndpointsList()).extracting(l -> l.getLocality().getRegion() + "/" + l.getLocality().getZone()
            + "/" + l.getLocality().getSubZone())
        .containsExactly("eu-west1/a/rack1", "us-east1/b/");
    assertThat(cla.getEndpointsList()).extracting(l -> l.getLoadBalancingWeight().getValue()).containsExactly(1, 2);
    LocalityLbEndpoints east = cla.getEndpoints(1);
    assertThat(east.getLbEndpointsList()).extracting(e -> e.getLoadBalancingWeight().getValue()).containsOnly(1);
    assertThat(east.getLbEndpointsList()).extracting(LbEndpoint::getHealthStatus).containsOnly(HealthStatus.HEALTHY);
    assertThat(addresses(cla)).containsExactlyInAnyOrder("10.244.0.1:9080", "10.244.0.2:9080", "10.244.0.3:9080");
  }

  @Test
  void aPolicyWithMinHealthPercentLeavesNotReadyEndpointsOutOfItsClustersOnly() {
    mesh.with(service("default", "reviews", "10.96.0.12", port("http", 9080)),
        pod("default", "reviews-1", "10.244.0.1", "reviews", Map.of("version", "v1")),
        pod("default", "reviews-2", "10.244.0.2", "reviews", Map.of("version", "v1")),
        slice("default", "reviews", "http", 9080, Map.of("10.244.0.1", "reviews-1")),
        slice("default", "reviews", "http", 9080, Map.of("10.244.0.2", "reviews-2"), false))
        .withRules(TrafficFixture.destinationRule("default", "reviews", """
            host: reviews
            trafficPolicy:
              outlierDetection: {consecutive5xxErrors: 5, minHealthPercent: 20}
            subsets:
            - name: v1
              labels: {version: v1}
              trafficPolicy:
                outlierDetection: {consecutive5xxErrors: 5}
            """));

    assertThat(addresses(cla(REVIEWS))).containsExactly("10.244.0.1:9080");
    // the subset's own outlier detection has no minimum: its cluster gets the unhealthy endpoint
    assertThat(addresses(cla("outbound|9080|v1|reviews.default.svc.cluster.local")))
        .containsExactlyInAnyOrder("10.244.0.1:9080", "10.244.0.2:9080");
  }

  @Test
  void notReadyEndpointsAreSentUnhealthyAsIstiod131Does() {
    mesh.with(service("default", "reviews", "10.96.0.12", port("http", 9080)),
        pod("default", "reviews-1", "10.244.0.1", "reviews"),
        pod("default", "reviews-2", "10.244.0.2", "reviews"),
        slice("default", "reviews", "http", 9080, Map.of("10.244.0.1", "reviews-1")),
        slice("default", "reviews", "http", 9080, Map.of("10.244.0.2", "reviews-2"), false));

    ClusterLoadAssignment cla = cla(REVIEWS);
    assertThat(addresses(cla)).containsExactlyInAnyOrder("10.244.0.1:9080", "10.244.0.2:9080");
    assertThat(cla.getEndpointsList()).flatExtracting(LocalityLbEndpoints::getLbEndpointsList)
        .extracting(LbEndpoint::getHealthStatus).containsExactlyInAnyOrder(HealthStatus.HEALTHY, HealthStatus.UNHEALTHY);
  }

  @Test
  void staticServiceEntryEndpointsCarryNoHealthStatusAsInIstiod() {
    mesh.with(serviceEntry("default", "db", Map.of("hosts", List.of("db.example.internal"), "resolution", "STATIC",
        "ports", List.of(Map.of("number", 8080, "name", "http", "protocol", "HTTP")),
        "endpoints", List.of(Map.of("address", "192.168.10.5"), Map.of("address", "192.168.10.6")))));

    ClusterLoadAssignment cla = cla("outbound|8080||db.example.internal");
    assertThat(addresses(cla)).containsExactlyInAnyOrder("192.168.10.5:8080", "192.168.10.6:8080");
    assertThat(cla.getEndpointsList()).flatExtracting(LocalityLbEndpoints::getLbEndpointsList)
        .extracting(LbEndpoint::getHealthStatus).containsOnly(HealthStatus.UNKNOWN); // the default: not on the wire
  }

  @Test
  void endpointsCarryTlsModeAndWorkloadMetadata() {
    mesh.with(service("default", "reviews", "10.96.0.12", port("http", 9080)),
        pod("default", "reviews-v1-abc", "10.244.0.1", "reviews", Map.of("version", "v1")),
        slice("default", "reviews", "http", 9080, Map.of("10.244.0.1", "reviews-v1-abc")));

    var metadata = cla(REVIEWS).getEndpoints(0).getLbEndpoints(0).getMetadata();

    assertThat(metadata.getFilterMetadataOrThrow("envoy.transport_socket_match").getFieldsOrThrow("tlsMode")
        .getStringValue()).isEqualTo("istio");
    assertThat(metadata.getFilterMetadataOrThrow("istio").getFieldsOrThrow("workload").getStringValue())
        .matches(".*;default;reviews;v1;Kubernetes");
  }

  @Test
  void canonicalRevisionLatestIsLeftEmpty() {
    var endpoint = new io.meshpilot.registry.model.Endpoint(List.of("10.0.0.1"), "http", 0, 80,
        Map.of("service.istio.io/canonical-name", "shop", "service.istio.io/canonical-revision", "latest"),
        "", "", new io.meshpilot.registry.model.Locality("", "c1"), 0, "disabled", "ns", "shop-wl", "", "", null, "");

    assertThat(EndpointMetadata.workload(endpoint)).isEqualTo("shop-wl;ns;shop;;c1");
    assertThat(EndpointMetadata.of(endpoint).containsFilterMetadata("envoy.transport_socket_match")).isFalse();
  }

  @Test
  void unknownAndNonEdsClustersGetAnEmptyAssignment() {
    mesh.with(service("default", "db", "None", port("tcp", 5432)),
        serviceEntry("default", "ext", Map.of("hosts", List.of("api.example.com"), "resolution", "DNS",
            "ports", List.of(Map.of("number", 80, "name", "http", "protocol", "HTTP")))));

    for (String name : List.of("outbound|9080||gone.default.svc.cluster.local", "outbound|5432||db.default.svc.cluster.local",
        "outbound|80||api.example.com", "outbound|80|v1|api.example.com", "inbound|80||", "nonsense")) {
      assertThat(cla(name)).isEqualTo(ClusterLoadAssignment.newBuilder().setClusterName(name).build());
    }
  }

  @Test
  void aRemovedPortYieldsAnEmptyAssignment() {
    mesh.with(service("default", "reviews", "10.96.0.12", port("http", 9080)),
        pod("default", "reviews-1", "10.244.0.1", "reviews"),
        slice("default", "reviews", "http", 9080, Map.of("10.244.0.1", "reviews-1")));
    assertThat(addresses(cla(REVIEWS))).hasSize(1);

    mesh.with(service("default", "reviews", "10.96.0.12", port("http", 9090)));

    assertThat(cla(REVIEWS).getEndpointsCount()).isZero();
  }
}
