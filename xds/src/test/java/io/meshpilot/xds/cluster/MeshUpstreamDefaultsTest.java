package io.meshpilot.xds.cluster;

import static io.meshpilot.xds.TrafficFixture.destinationRule;
import static io.meshpilot.xds.cluster.MeshFixture.port;
import static io.meshpilot.xds.cluster.MeshFixture.service;
import static io.meshpilot.xds.cluster.MeshFixture.sidecar;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TcpKeepalive;
import io.meshpilot.registry.networking.DestinationRule.ConnectionPoolSettings;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.view.PushContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * MeshConfig {@code connectTimeout} and {@code tcpKeepalive} on the clusters istiod gives a
 * connection pool (outbound, inbound, passthrough; not BlackHoleCluster), a DestinationRule's
 * settings overriding them field by field (istiod's applyConnectionPool and applyTCPKeepalive).
 */
class MeshUpstreamDefaultsTest {
  private static final String REVIEWS = "outbound|9080||reviews.shop.svc.cluster.local";
  private static final String RATINGS = "outbound|9080||ratings.shop.svc.cluster.local";
  private static final Proxy CLIENT = sidecar("web", "10.1.0.9");
  private static final MeshSettings SETTINGS = MeshSettings.defaults()
      .withConnectTimeout(Duration.ofMillis(2500))
      .withTcpKeepalive(Optional.of(new ConnectionPoolSettings.TcpKeepalive(9, "7200s", null)));

  private final MeshFixture mesh = new MeshFixture().with(
      service("shop", "reviews", "10.0.0.1", port("http", 9080)),
      service("shop", "ratings", "10.0.0.2", port("http", 9080)));

  private static Cluster named(List<Cluster> clusters, String name) {
    return clusters.stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void everyClusterWithAConnectionPoolTakesTheMeshTimeoutAndKeepalive() {
    List<Cluster> clusters = ClusterGenerator.outbound(CLIENT, mesh.push(SETTINGS));
    TcpKeepalive expected = TcpKeepalive.newBuilder().setKeepaliveProbes(UInt32Value.of(9))
        .setKeepaliveTime(UInt32Value.of(7200)).build();

    for (String name : List.of(REVIEWS, "PassthroughCluster")) {
      Cluster cluster = named(clusters, name);
      assertThat(cluster.getConnectTimeout()).as(name).isEqualTo(Durations.fromMillis(2500));
      assertThat(cluster.getUpstreamConnectionOptions().getTcpKeepalive()).as(name).isEqualTo(expected);
    }
    Cluster blackHole = named(clusters, "BlackHoleCluster");
    assertThat(blackHole.getConnectTimeout()).isEqualTo(Durations.fromMillis(2500));
    assertThat(blackHole.hasUpstreamConnectionOptions()).isFalse();
  }

  @Test
  void aDestinationRuleOverridesTheMeshKeepaliveFieldByFieldAndTheTimeout() {
    mesh.withRules(destinationRule("shop", "reviews", """
        host: reviews
        trafficPolicy:
          connectionPool:
            tcp: {connectTimeout: 1s, tcpKeepalive: {interval: 30s, probes: 2}}
        """));
    List<Cluster> clusters = ClusterGenerator.outbound(CLIENT, mesh.push(SETTINGS));

    Cluster reviews = named(clusters, REVIEWS);
    assertThat(reviews.getConnectTimeout()).isEqualTo(Durations.fromSeconds(1));
    assertThat(reviews.getUpstreamConnectionOptions().getTcpKeepalive()).isEqualTo(TcpKeepalive.newBuilder()
        .setKeepaliveProbes(UInt32Value.of(2)).setKeepaliveTime(UInt32Value.of(7200))
        .setKeepaliveInterval(UInt32Value.of(30)).build());
    assertThat(named(clusters, RATINGS).getConnectTimeout()).isEqualTo(Durations.fromMillis(2500));
  }

  @Test
  void inboundClustersTakeTheMeshDefaultsToo() {
    Proxy reviews = sidecar("shop", "10.2.0.1", Map.of("app", "reviews"),
        io.meshpilot.xds.proxy.InterceptionMode.REDIRECT);
    PushContext push = mesh.push(SETTINGS);

    List<Cluster> clusters = ClusterGenerator.inbound(reviews, push);
    for (String name : List.of("inbound|9080||", "InboundPassthroughCluster")) {
      Cluster cluster = named(clusters, name);
      assertThat(cluster.getConnectTimeout()).as(name).isEqualTo(Durations.fromMillis(2500));
      assertThat(cluster.getUpstreamConnectionOptions().getTcpKeepalive().getKeepaliveProbes().getValue())
          .as(name).isEqualTo(9);
    }
  }

  @Test
  void withoutMeshKeepaliveClustersHaveNone() {
    List<Cluster> clusters = ClusterGenerator.outbound(CLIENT, mesh.push());

    assertThat(named(clusters, REVIEWS).hasUpstreamConnectionOptions()).isFalse();
    assertThat(named(clusters, REVIEWS).getConnectTimeout()).isEqualTo(Durations.fromSeconds(10));
  }
}
