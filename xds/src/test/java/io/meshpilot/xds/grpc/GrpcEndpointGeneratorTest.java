package io.meshpilot.xds.grpc;

import static io.meshpilot.xds.TrafficFixture.destinationRule;
import static io.meshpilot.xds.cluster.MeshFixture.pod;
import static io.meshpilot.xds.cluster.MeshFixture.port;
import static io.meshpilot.xds.cluster.MeshFixture.service;
import static io.meshpilot.xds.cluster.MeshFixture.slice;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import com.google.protobuf.Message;
import io.meshpilot.xds.XdsResources;
import io.meshpilot.xds.cluster.MeshFixture;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.server.XdsType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GrpcEndpointGeneratorTest {
  private static final String REVIEWS_CLUSTER = "outbound|9080||reviews.default.svc.cluster.local";
  private final MeshFixture mesh = new MeshFixture()
      .with(service("default", "reviews", "10.96.0.12", port("grpc", 9080, 8080)),
          pod("default", "reviews-v1", "10.244.1.1", "reviews"),
          pod("default", "reviews-v2", "10.244.1.2", "reviews"),
          slice("default", "reviews", "grpc", 8080, Map.of("10.244.1.1", "reviews-v1", "10.244.1.2", "reviews-v2")),
          service("default", "db", "None", port("grpc", 7070)),
          pod("default", "db-0", "10.244.2.1", "db"),
          slice("default", "db", "grpc", 7070, Map.of("10.244.2.1", "db-0")));
  private final Proxy client = GrpcProxies.client("default", "10.244.9.9");

  @Test
  void everyLocalityCarriesAWeightAndEveryEndpointIsHealthy() {
    ClusterLoadAssignment cla = GrpcEndpointGenerator.generate(REVIEWS_CLUSTER, client, mesh.push());

    assertThat(cla.getClusterName()).isEqualTo(REVIEWS_CLUSTER);
    assertThat(cla.getEndpointsList()).isNotEmpty().allSatisfy(locality -> {
      assertThat(locality.getLoadBalancingWeight().getValue()).isGreaterThanOrEqualTo(1);
      assertThat(locality.getPriority()).isZero();
    });
    assertThat(cla.getEndpointsList()).flatMap(LocalityLbEndpoints::getLbEndpointsList)
        .allSatisfy(e -> assertThat(e.getHealthStatus()).isEqualTo(HealthStatus.HEALTHY))
        .extracting(e -> e.getEndpoint().getAddress().getSocketAddress().getAddress() + ":"
            + e.getEndpoint().getAddress().getSocketAddress().getPortValue())
        .containsExactlyInAnyOrder("10.244.1.1:8080", "10.244.1.2:8080");
  }

  @Test
  void localityFailoverOrdersLocalitiesForEachClientsLocality() {
    mesh.with(pod("default", "reviews-v1", "10.244.1.1", "reviews", Map.of("topology.istio.io/locality", "us-east1.a")),
            pod("default", "reviews-v2", "10.244.1.2", "reviews", Map.of("topology.istio.io/locality", "eu-west1.a")))
        .withRules(destinationRule("default", "reviews", """
            host: reviews
            trafficPolicy:
              outlierDetection: {consecutive5xxErrors: 3}
            """));
    XdsResources resources = new XdsResources(mesh.push());
    Proxy east = GrpcProxies.clientIn("default", "10.244.9.1", "us-east1/a/");
    Proxy west = GrpcProxies.clientIn("default", "10.244.9.2", "eu-west1/a/");

    // the per-push answers are kept per locality: each client gets its own order
    assertThat(priorities(resources.messages(east, XdsType.ENDPOINT, Set.of(REVIEWS_CLUSTER))))
        .containsExactly("eu-west1=1", "us-east1=0");
    assertThat(priorities(resources.messages(west, XdsType.ENDPOINT, Set.of(REVIEWS_CLUSTER))))
        .containsExactly("eu-west1=0", "us-east1=1");
  }

  /** {@code region=priority} of each locality; gRPC ignores localities without a weight, so each has one. */
  private static List<String> priorities(List<? extends Message> assignments) {
    List<LocalityLbEndpoints> localities = ((ClusterLoadAssignment) assignments.getFirst()).getEndpointsList();
    assertThat(localities).allSatisfy(l -> assertThat(l.getLoadBalancingWeight().getValue()).isPositive());
    return localities.stream().map(l -> l.getLocality().getRegion() + "=" + l.getPriority()).toList();
  }

  @Test
  void headlessServiceEndpointsAreSentForGrpcToBalanceOver() {
    ClusterLoadAssignment cla =
        GrpcEndpointGenerator.generate("outbound|7070||db.default.svc.cluster.local", client, mesh.push());

    assertThat(cla.getEndpointsList()).flatMap(LocalityLbEndpoints::getLbEndpointsList)
        .extracting(LbEndpoint::getEndpoint)
        .extracting(e -> e.getAddress().getSocketAddress().getAddress())
        .containsExactly("10.244.2.1");
  }

  @Test
  void unknownClusterGetsAnEmptyAssignmentOfThatName() {
    String name = "outbound|9080||ratings.default.svc.cluster.local";

    assertThat(GrpcEndpointGenerator.generate(name, client, mesh.push()))
        .isEqualTo(ClusterLoadAssignment.newBuilder().setClusterName(name).build());
  }

  @Test
  void removedEndpointsLeaveTheAssignment() {
    mesh.with(slice("default", "reviews", "grpc", 8080, Map.of("10.244.1.1", "reviews-v1")));

    assertThat(GrpcEndpointGenerator.generate(REVIEWS_CLUSTER, client, mesh.push()).getEndpointsList())
        .flatMap(LocalityLbEndpoints::getLbEndpointsList)
        .extracting(e -> e.getEndpoint().getAddress().getSocketAddress().getAddress())
        .containsExactly("10.244.1.1");
  }
}
