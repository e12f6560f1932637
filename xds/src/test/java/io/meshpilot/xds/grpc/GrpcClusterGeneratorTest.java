package io.meshpilot.xds.grpc;

import static io.meshpilot.xds.cluster.MeshFixture.externalName;
import static io.meshpilot.xds.cluster.MeshFixture.port;
import static io.meshpilot.xds.cluster.MeshFixture.service;
import static io.meshpilot.xds.cluster.MeshFixture.serviceEntry;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.meshpilot.xds.cluster.MeshFixture;
import io.meshpilot.xds.proxy.Proxy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GrpcClusterGeneratorTest {
  private static final String REVIEWS_CLUSTER = "outbound|9080||reviews.default.svc.cluster.local";
  private final MeshFixture mesh = new MeshFixture()
      .with(service("default", "reviews", "10.96.0.12", port("grpc", 9080)),
          service("default", "db", "None", port("grpc", 7070)));
  private final Proxy client = GrpcProxies.client("default", "10.244.9.9");

  @Test
  void clusterIsAPlainRoundRobinEdsClusterOverAdsAndNothingElse() {
    Cluster expected = Cluster.newBuilder()
        .setName(REVIEWS_CLUSTER)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
            .setServiceName(REVIEWS_CLUSTER)
            .setEdsConfig(ConfigSource.newBuilder()
                .setAds(AggregatedConfigSource.getDefaultInstance())
                .setInitialFetchTimeout(Durations.ZERO)
                .setResourceApiVersion(ApiVersion.V3)))
        .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN)
        .build();

    assertThat(GrpcClusterGenerator.generate(REVIEWS_CLUSTER, client, mesh.push())).hasValue(expected);
  }

  @Test
  void destinationRuleSubsetsBecomeClustersWithWhatGrpcHonours() {
    mesh.withRules(io.meshpilot.xds.TrafficFixture.destinationRule("default", "reviews", """
        host: reviews
        trafficPolicy:
          loadBalancer: {consistentHash: {httpHeaderName: x-user}}
          connectionPool: {tcp: {maxConnections: 5}, http: {http2MaxRequests: 50}}
        subsets:
        - name: v1
          labels: {version: v1}
          trafficPolicy: {loadBalancer: {simple: LEAST_REQUEST}}
        """));
    String v1 = "outbound|9080|v1|reviews.default.svc.cluster.local";
    assertThat(GrpcClusterGenerator.all(client, mesh.push())).extracting(Cluster::getName).contains(REVIEWS_CLUSTER, v1);
    Cluster main = GrpcClusterGenerator.generate(REVIEWS_CLUSTER, client, mesh.push()).orElseThrow();
    assertThat(main.getLbPolicy()).isEqualTo(Cluster.LbPolicy.RING_HASH);
    assertThat(main.getRingHashLbConfig().getMinimumRingSize().getValue()).isEqualTo(1024);
    assertThat(main.getCircuitBreakers().getThresholds(0).getMaxRequests().getValue()).isEqualTo(50);
    assertThat(main.getCircuitBreakers().getThresholds(0).hasMaxConnections()).isFalse();
    Cluster subset = GrpcClusterGenerator.generate(v1, client, mesh.push()).orElseThrow();
    assertThat(subset.getLbPolicy()).isEqualTo(Cluster.LbPolicy.LEAST_REQUEST);
    assertThat(subset.getEdsClusterConfig().getServiceName()).isEqualTo(v1);
    assertThat(GrpcClusterGenerator.generate("outbound|9080|v9|reviews.default.svc.cluster.local", client,
        mesh.push())).isEmpty();
  }

  @Test
  void headlessServicesGetAnEdsClusterToo() {
    assertThat(GrpcClusterGenerator.generate("outbound|7070||db.default.svc.cluster.local", client, mesh.push()))
        .hasValueSatisfying(c -> assertThat(c.getType()).isEqualTo(Cluster.DiscoveryType.EDS));
  }

  @Test
  void namesThatDenoteNoEdsClusterGetNone() {
    mesh.with(externalName("default", "legacy", "legacy.example.com", port("grpc", 9080)),
        serviceEntry("default", "external", Map.of("hosts", List.of("api.example.com"), "resolution", "DNS",
            "ports", List.of(Map.of("number", 443, "name", "grpc", "protocol", "GRPC")))));

    for (String name : List.of("outbound|9081||reviews.default.svc.cluster.local",
        "outbound|9080|v1|reviews.default.svc.cluster.local", "outbound|9080||ratings.default.svc.cluster.local",
        "outbound|9080||legacy.default.svc.cluster.local", "outbound|443||api.example.com", "inbound|9080||",
        "BlackHoleCluster")) {
      assertThat(GrpcClusterGenerator.generate(name, client, mesh.push())).as(name).isEmpty();
    }
  }

  @Test
  void requestNamingNothingGetsEveryVisibleEdsCluster() {
    // a service another namespace keeps to itself is not visible
    mesh.with(new ServiceBuilder(service("restricted", "secret", "10.96.0.99", port("grpc", 9080)))
        .editMetadata().withAnnotations(Map.of("networking.istio.io/exportTo", ".")).endMetadata().build());

    assertThat(GrpcClusterGenerator.all(client, mesh.push())).extracting(Cluster::getName)
        .containsExactly("outbound|7070||db.default.svc.cluster.local", REVIEWS_CLUSTER);
  }
}
