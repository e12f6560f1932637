package io.meshpilot.xds;

import static io.meshpilot.xds.cluster.MeshFixture.port;
import static io.meshpilot.xds.cluster.MeshFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.networking.ConfigMeta;
import io.meshpilot.registry.networking.DestinationRule;
import io.meshpilot.registry.networking.IstioConfig;
import io.meshpilot.registry.networking.Sidecar;
import io.meshpilot.registry.networking.TrafficConfigs;
import io.meshpilot.xds.cache.XdsCache;
import io.meshpilot.xds.cluster.MeshFixture;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.server.PushRequest;
import io.meshpilot.xds.view.PushContext;
import io.meshpilot.xds.view.TrafficRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A DestinationRule change is pushed to the proxies whose config it shapes, now or before: those
 * whose Sidecar scope holds a service the rule applies to for their namespace (istiod's SidecarScope
 * config dependencies), and the workloads of a service whose inbound cluster takes its pool.
 */
class DestinationRulePushScopingTest {
  private static final String REVIEWS = "reviews.team.svc.cluster.local";

  private final MeshFixture mesh = new MeshFixture().with(
      service("team", "reviews", "10.96.0.12", port("http", 9080)),
      service("other", "ratings", "10.96.0.13", port("http", 9080)));
  private final XdsCache cache = new XdsCache(1000);
  private final Proxy inTeam = MeshFixture.sidecar("team", "10.0.0.5");
  private final Proxy inOther = MeshFixture.sidecar("other", "10.0.0.6");
  private final Proxy inRoot = MeshFixture.sidecar("istio-system", "10.0.0.7");
  private volatile TrafficConfigs traffic = TrafficConfigs.EMPTY;

  private PushContext push(TrafficConfigs configs) {
    traffic = configs;
    return PushContext.create(TrafficFixture.withTraffic(mesh.registry(), () -> traffic), MeshSettings.defaults(),
        "v", cache);
  }

  private static TrafficConfigs rules(List<IstioConfig<DestinationRule>> rules, List<IstioConfig<Sidecar>> sidecars) {
    return new TrafficConfigs(rules, List.of(), sidecars);
  }

  private static IstioConfig<DestinationRule> rule(String ns, String name, String spec) {
    return TrafficFixture.destinationRule(ns, name, spec);
  }

  private static PushRequest changed(IstioConfig<?> config) {
    return PushRequest.configs(Set.of(config.meta().key()));
  }

  private static final IstioConfig<DestinationRule> TEAM_ONLY = rule("team", "reviews", """
      host: reviews
      exportTo: ["."]
      trafficPolicy: {connectionPool: {tcp: {maxConnections: 10}}}
      """);

  @Test
  void aRuleExportedOnlyToItsNamespaceReachesNoProxyElsewhere() {
    XdsResources resources = new XdsResources(push(TrafficConfigs.EMPTY));
    resources.advance(push(rules(List.of(TEAM_ONLY), List.of())));

    assertThat(resources.affects(changed(TEAM_ONLY), inTeam)).isTrue();
    assertThat(resources.affects(changed(TEAM_ONLY), inOther)).isFalse();
    assertThat(resources.affects(changed(TEAM_ONLY), inRoot)).isFalse();
  }

  @Test
  void aDeletedRuleStillReachesTheProxiesItShaped() {
    XdsResources resources = new XdsResources(push(rules(List.of(TEAM_ONLY), List.of())));
    resources.advance(push(TrafficConfigs.EMPTY));

    assertThat(resources.affects(changed(TEAM_ONLY), inTeam)).isTrue();
    assertThat(resources.affects(changed(TEAM_ONLY), inOther)).isFalse();
  }

  @Test
  void aRuleMadePrivateStillReachesTheNamespacesThatSawItBefore() {
    IstioConfig<DestinationRule> everywhere = rule("team", "reviews", "host: reviews\n");
    XdsResources resources = new XdsResources(push(rules(List.of(everywhere), List.of())));
    resources.advance(push(rules(List.of(TEAM_ONLY), List.of())));

    assertThat(resources.affects(changed(TEAM_ONLY), inOther)).isTrue();
    resources.advance(push(rules(List.of(TEAM_ONLY), List.of())));
    assertThat(resources.affects(changed(TEAM_ONLY), inOther)).isFalse();
  }

  @Test
  void aRuleWithAWorkloadSelectorReachesOnlyItsNamespacesProxiesWhateverTheirLabels() {
    IstioConfig<DestinationRule> selecting = rule("other", "reviews-for-web", """
        host: reviews.team.svc.cluster.local
        workloadSelector: {matchLabels: {app: web}}
        trafficPolicy: {connectionPool: {tcp: {maxConnections: 10}}}
        """);
    Proxy db = MeshFixture.sidecar("other", "10.0.0.8", Map.of("app", "db"), InterceptionMode.REDIRECT);
    XdsResources resources = new XdsResources(push(TrafficConfigs.EMPTY));
    resources.advance(push(rules(List.of(selecting), List.of())));

    assertThat(resources.affects(changed(selecting), db)).as("istiod's scope depends on it").isTrue();
    assertThat(resources.affects(changed(selecting), inTeam)).isFalse();
  }

  @Test
  void aRootNamespaceRuleReachesEveryNamespaceItIsExportedTo() {
    IstioConfig<DestinationRule> mesh = rule("istio-system", "all", """
        host: "*.svc.cluster.local"
        trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}
        """);
    IstioConfig<DestinationRule> rootOnly = rule("istio-system", "root-only", """
        host: "*.svc.cluster.local"
        exportTo: ["."]
        """);
    XdsResources resources = new XdsResources(push(TrafficConfigs.EMPTY));
    resources.advance(push(rules(List.of(mesh, rootOnly), List.of())));

    assertThat(resources.affects(changed(mesh), inOther)).isTrue();
    assertThat(resources.affects(changed(rootOnly), inOther)).isFalse();
    assertThat(resources.affects(changed(rootOnly), inRoot)).isTrue();
  }

  @Test
  void aRuleShadowedByANamespaceLocalOneDoesNotReachThatNamespace() {
    IstioConfig<DestinationRule> own = rule("other", "reviews", "host: reviews.team.svc.cluster.local\n");
    IstioConfig<DestinationRule> published = rule("team", "reviews", "host: reviews\n");
    XdsResources resources = new XdsResources(push(TrafficConfigs.EMPTY));
    resources.advance(push(rules(List.of(own, published), List.of())));

    assertThat(resources.affects(changed(published), inOther)).isFalse();
    assertThat(resources.affects(changed(own), inOther)).isTrue();
    assertThat(resources.affects(changed(published), inRoot)).isTrue();
  }

  @Test
  void aRuleForAHostTheSidecarDoesNotImportReachesOnlyTheHostsOwnWorkloads() {
    IstioConfig<Sidecar> narrow = new IstioConfig<>(new ConfigMeta(TrafficRegistry.key("team", "default"),
        "networking.istio.io/v1", "1", Instant.parse("2026-01-01T00:00:00Z"), Map.of(), Map.of(), 1, "test"),
        TrafficRegistry.spec("egress: [{hosts: [\"other/*\"]}]\n"));
    Proxy reviewsPod = MeshFixture.sidecar("team", "10.0.0.9", Map.of("app", "reviews"), InterceptionMode.REDIRECT);
    XdsResources resources = new XdsResources(push(rules(List.of(), List.of(narrow))));
    resources.advance(push(rules(List.of(TEAM_ONLY), List.of(narrow))));

    assertThat(resources.affects(changed(TEAM_ONLY), inTeam)).as("reviews is not in its scope").isFalse();
    assertThat(resources.affects(changed(TEAM_ONLY), reviewsPod)).as("its inbound cluster takes the pool").isTrue();
  }

  @Test
  void aRuleOfAnUnknownHostReachesNobody() {
    IstioConfig<DestinationRule> nowhere = rule("team", "nothing", "host: nothing.example.com\n");
    XdsResources resources = new XdsResources(push(TrafficConfigs.EMPTY));
    resources.advance(push(rules(List.of(nowhere), List.of())));

    assertThat(resources.affects(changed(nowhere), inTeam)).isFalse();
    assertThat(resources.affects(PushRequest.configs(Set.of(new ObjectKey("DestinationRule", "team", "gone"))),
        inTeam)).isFalse();
  }
}
