package io.meshpilot.xds;

import static io.meshpilot.xds.cluster.MeshFixture.port;
import static io.meshpilot.xds.cluster.MeshFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.networking.TrafficConfigs;
import io.meshpilot.xds.cache.XdsCache;
import io.meshpilot.xds.cluster.MeshFixture;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.server.PushRequest;
import io.meshpilot.xds.traffic.TrafficRegistry;
import io.meshpilot.xds.traffic.TrafficYaml;
import io.meshpilot.xds.view.PushContext;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A VirtualService change is pushed to the proxies whose routes it shapes, now or before. */
class VirtualServicePushScopingTest {
  private static final String TEAM_ONLY = """
      kind: VirtualService
      metadata: {name: reviews, namespace: team}
      spec:
        hosts: [reviews.default.svc.cluster.local]
        exportTo: ["."]
        http:
        - delegate: {name: reviews-routes, namespace: shared}
      ---
      kind: VirtualService
      metadata: {name: reviews-routes, namespace: shared}
      spec:
        http:
        - route:
          - destination: {host: reviews.default.svc.cluster.local}
      """;
  private static final ObjectKey ROOT = new ObjectKey("VirtualService", "team", "reviews");
  private static final ObjectKey DELEGATE = new ObjectKey("VirtualService", "shared", "reviews-routes");

  private final MeshFixture mesh = new MeshFixture().with(
      service("default", "reviews", "10.96.0.12", port("http", 9080)));
  private final TrafficRegistry registry = new TrafficRegistry(mesh.registry());
  private final XdsCache cache = new XdsCache(1000);
  private final Proxy inTeam = MeshFixture.sidecar("team", "10.0.0.5");
  private final Proxy elsewhere = MeshFixture.sidecar("default", "10.0.0.6");

  private PushContext push(TrafficConfigs configs) {
    registry.set(configs);
    return PushContext.create(registry, MeshSettings.defaults(), "v", cache);
  }

  private static PushRequest changed(ObjectKey key) {
    return PushRequest.configs(Set.of(key));
  }

  @Test
  void aPrivateVirtualServiceOrItsDelegateReachesOnlyItsNamespace() {
    XdsResources resources = new XdsResources(push(TrafficConfigs.EMPTY));
    resources.advance(push(TrafficYaml.virtualServices(TEAM_ONLY)));

    assertThat(resources.affects(changed(ROOT), inTeam)).isTrue();
    assertThat(resources.affects(changed(ROOT), elsewhere)).isFalse();
    assertThat(resources.affects(changed(DELEGATE), inTeam)).isTrue();
    assertThat(resources.affects(changed(DELEGATE), elsewhere)).isFalse();
  }

  @Test
  void aDeletedVirtualServiceStillReachesTheProxiesItShaped() {
    XdsResources resources = new XdsResources(push(TrafficYaml.virtualServices(TEAM_ONLY)));
    resources.advance(push(TrafficConfigs.EMPTY));

    assertThat(resources.affects(changed(ROOT), inTeam)).isTrue();
    assertThat(resources.affects(changed(ROOT), elsewhere)).isFalse();
  }

  @Test
  void configKindsWithoutScopingReachEveryProxy() {
    XdsResources resources = new XdsResources(push(TrafficConfigs.EMPTY));

    assertThat(resources.affects(changed(new ObjectKey("EnvoyFilter", "team", "reviews")), elsewhere)).isTrue();
  }
}
