package io.meshpilot.xds.grpc;

import static io.meshpilot.xds.cluster.MeshFixture.port;
import static io.meshpilot.xds.cluster.MeshFixture.service;
import static io.meshpilot.xds.cluster.MeshFixture.sidecar;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.meshpilot.xds.XdsResources;
import io.meshpilot.xds.cluster.MeshFixture;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.view.PushContext;
import java.util.Set;
import io.meshpilot.xds.server.XdsType;
import org.junit.jupiter.api.Test;

/** {@link XdsResources} picks the generators by the node's GENERATOR metadata. */
class GrpcGeneratorSelectionTest {
  private static final String REVIEWS = "reviews.default.svc.cluster.local";
  private final MeshFixture mesh = new MeshFixture()
      .with(service("default", "reviews", "10.96.0.12", port("grpc", 9080)),
          service("default", "details", "10.96.0.13", port("grpc", 9080)));
  private final PushContext push = mesh.push();
  private final XdsResources resources = new XdsResources(push);

  @Test
  void proxylessClientGetsOnlyTheListenersAndClustersItNames() {
    Proxy client = GrpcProxies.client("default", "10.244.9.9");

    assertThat(resources.messages(client, XdsType.LISTENER, Set.of(REVIEWS + ":9080", "nope:1")))
        .extracting(m -> ((Listener) m).getName()).containsExactly(REVIEWS + ":9080");
    assertThat(resources.messages(client, XdsType.CLUSTER, Set.of("outbound|9080||" + REVIEWS)))
        .extracting(m -> ((Cluster) m).getName()).containsExactly("outbound|9080||" + REVIEWS);
  }

  @Test
  void proxylessClientNamingNothingGetsEverything() {
    Proxy client = GrpcProxies.client("default", "10.244.9.9");

    assertThat(resources.messages(client, XdsType.LISTENER, Set.of()))
        .extracting(m -> ((Listener) m).getName())
        .containsExactly("details.default.svc.cluster.local:9080", REVIEWS + ":9080");
    assertThat(resources.messages(client, XdsType.CLUSTER, Set.of())).hasSize(2);
  }

  @Test
  void sidecarKeepsTheSidecarFlavourWhateverItNames() {
    Proxy envoy = sidecar("default", "10.244.9.9");

    assertThat(resources.messages(envoy, XdsType.LISTENER, Set.of(REVIEWS + ":9080")))
        .extracting(m -> ((Listener) m).getName())
        .contains("virtualOutbound", "0.0.0.0_9080").doesNotContain(REVIEWS + ":9080");
    assertThat(resources.messages(envoy, XdsType.CLUSTER, Set.of()))
        .extracting(m -> ((Cluster) m).getName()).contains("PassthroughCluster", "outbound|9080||" + REVIEWS);
  }
}
