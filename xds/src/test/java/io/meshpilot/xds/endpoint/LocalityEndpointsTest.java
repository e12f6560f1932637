package io.meshpilot.xds.endpoint;

import static io.meshpilot.xds.TrafficFixture.destinationRule;
import static io.meshpilot.xds.cluster.MeshFixture.pod;
import static io.meshpilot.xds.cluster.MeshFixture.port;
import static io.meshpilot.xds.cluster.MeshFixture.service;
import static io.meshpilot.xds.cluster.MeshFixture.sidecar;
import static io.meshpilot.xds.cluster.MeshFixture.sidecarIn;
import static io.meshpilot.xds.cluster.MeshFixture.slice;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.meshpilot.registry.networking.DestinationRule.LocalityLbSetting;
import io.meshpilot.registry.networking.DestinationRule.LocalityLbSetting.Distribute;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.cache.XdsCache;
import io.meshpilot.xds.cluster.MeshFixture;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.view.PushContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Locality load balancing in EDS (istiod's BuildClusterLoadAssignment with ApplyLocalityLoadBalancer):
 * which settings apply, and priorities and weights for proxies in given localities.
 */
class LocalityEndpointsTest {
  private static final String REVIEWS = "outbound|9080||reviews.default.svc.cluster.local";
  private final MeshFixture mesh = new MeshFixture();
  private final Proxy east = sidecarIn("default", "10.244.9.9", "us-east1/a/");
  private final Proxy eastB = sidecarIn("default", "10.244.9.8", "us-east1/b/");
  private final Proxy west = sidecarIn("default", "10.244.9.7", "eu-west1/a/");

  LocalityEndpointsTest() {
    mesh.with(service("default", "reviews", "10.96.0.12", port("http", 9080)),
        pod("default", "reviews-1", "10.244.0.1", "reviews", Map.of("topology.istio.io/locality", "us-east1.a")),
        pod("default", "reviews-2", "10.244.0.2", "reviews", Map.of("topology.istio.io/locality", "us-east1.b")),
        pod("default", "reviews-3", "10.244.0.3", "reviews", Map.of("topology.istio.io/locality", "eu-west1.a")),
        slice("default", "reviews", "http", 9080,
            Map.of("10.244.0.1", "reviews-1", "10.244.0.2", "reviews-2", "10.244.0.3", "reviews-3")));
  }

  private static Map<String, Integer> priorities(ClusterLoadAssignment cla) {
    Map<String, Integer> byLocality = new LinkedHashMap<>();
    for (LocalityLbEndpoints locality : cla.getEndpointsList()) {
      byLocality.put(locality.getLocality().getRegion() + "/" + locality.getLocality().getZone(), locality.getPriority());
    }
    return byLocality;
  }

  private void rule(String trafficPolicy) {
    mesh.withRules(destinationRule("default", "reviews", "host: reviews\ntrafficPolicy:\n" + trafficPolicy));
  }

  @Test
  void outlierDetectionAloneTurnsOnFailoverByProximityToTheProxy() {
    rule("  outlierDetection: {consecutive5xxErrors: 1}\n");
    PushContext push = mesh.push();

    assertThat(priorities(EndpointGenerator.generate(REVIEWS, east, push)))
        .containsExactly(Map.entry("eu-west1/a", 2), Map.entry("us-east1/a", 0), Map.entry("us-east1/b", 1));
    assertThat(priorities(EndpointGenerator.generate(REVIEWS, west, push)))
        .containsExactly(Map.entry("eu-west1/a", 0), Map.entry("us-east1/a", 1), Map.entry("us-east1/b", 1));
  }

  @Test
  void failoverRulesWithoutOutlierDetectionLeaveEveryProxyTheSameAssignment() {
    rule("""
          loadBalancer:
            localityLbSetting:
              failover: [{from: us-east1, to: eu-west1}]
        """);
    XdsCache cache = new XdsCache(100);
    PushContext push = mesh.push(cache);

    ClusterLoadAssignment forEast = EndpointGenerator.generate(REVIEWS, east, push);
    assertThat(priorities(forEast)).containsOnlyKeys("eu-west1/a", "us-east1/a", "us-east1/b").doesNotContainValue(1);
    assertThat(EndpointGenerator.generate(REVIEWS, west, push)).isSameAs(forEast);
  }

  @Test
  void enabledFalseTurnsLocalityLoadBalancingOff() {
    rule("""
          outlierDetection: {consecutive5xxErrors: 1}
          loadBalancer:
            localityLbSetting: {enabled: false}
        """);

    assertThat(priorities(EndpointGenerator.generate(REVIEWS, east, mesh.push()))).containsOnly(
        Map.entry("eu-west1/a", 0), Map.entry("us-east1/a", 0), Map.entry("us-east1/b", 0));
  }

  @Test
  void aFailoverRegionComesBeforeOtherRegions() {
    mesh.with(pod("default", "reviews-4", "10.244.0.4", "reviews", Map.of("topology.istio.io/locality", "ap-south1.a")),
        slice("default", "reviews", "http", 9080, Map.of("10.244.0.1", "reviews-1", "10.244.0.2", "reviews-2",
            "10.244.0.3", "reviews-3", "10.244.0.4", "reviews-4")));
    rule("""
          outlierDetection: {consecutive5xxErrors: 1}
          loadBalancer:
            localityLbSetting:
              failover: [{from: us-east1, to: ap-south1}]
        """);

    assertThat(priorities(EndpointGenerator.generate(REVIEWS, east, mesh.push()))).containsExactly(
        Map.entry("ap-south1/a", 2), Map.entry("eu-west1/a", 3), Map.entry("us-east1/a", 0),
        Map.entry("us-east1/b", 1));
  }

  @Test
  void distributeSetsWeightsForProxiesInTheFromLocality() {
    rule("""
          loadBalancer:
            localityLbSetting:
              distribute:
              - from: us-east1/a/*
                to: {"us-east1/a/*": 80, "eu-west1/*": 20}
        """);
    PushContext push = mesh.push();

    ClusterLoadAssignment forEast = EndpointGenerator.generate(REVIEWS, east, push);
    assertThat(forEast.getEndpointsList()).extracting(l -> l.getLocality().getRegion() + "/"
            + l.getLocality().getZone() + "=" + l.getLoadBalancingWeight().getValue() + "x" + l.getLbEndpointsCount())
        .containsExactly("eu-west1/a=20x1", "us-east1/a=80x1", "us-east1/b=1x0");
    // a proxy no rule is from keeps the plain weights
    assertThat(EndpointGenerator.generate(REVIEWS, eastB, push).getEndpointsList())
        .extracting(l -> l.getLoadBalancingWeight().getValue() + "x" + l.getLbEndpointsCount())
        .containsExactly("1x1", "1x1", "1x1");
  }

  @Test
  void aSubsetsOwnPolicyDecides() {
    mesh.withRules(destinationRule("default", "reviews", """
        host: reviews
        subsets:
        - name: all
          labels: {app: reviews}
          trafficPolicy:
            outlierDetection: {consecutive5xxErrors: 1}
        """));
    PushContext push = mesh.push();

    assertThat(priorities(EndpointGenerator.generate("outbound|9080|all|reviews.default.svc.cluster.local", east,
        push))).containsEntry("us-east1/b", 1);
    assertThat(priorities(EndpointGenerator.generate(REVIEWS, east, push))).doesNotContainValue(1);
  }

  @Test
  void theMeshSettingAppliesWhenTheRuleHasNone() {
    MeshSettings settings = MeshSettings.defaults().withLocalityLbSetting(new LocalityLbSetting(
        List.of(new Distribute("us-east1/*", Map.of("us-east1/*", 100))), null, null, true));

    ClusterLoadAssignment forEast = EndpointGenerator.generate(REVIEWS, east, mesh.push(settings));

    assertThat(forEast.getEndpointsList()).extracting(LocalityLbEndpoints::getLbEndpointsCount)
        .containsExactly(0, 1, 1);
  }

  @Test
  void meshLocalityLoadBalancingDisabledTurnsOffTheOutlierDetectionDefault() {
    rule("  outlierDetection: {consecutive5xxErrors: 1}\n");
    MeshSettings settings = MeshSettings.defaults()
        .withLocalityLbSetting(new LocalityLbSetting(null, null, null, false));

    assertThat(priorities(EndpointGenerator.generate(REVIEWS, east, mesh.push(settings)))).containsOnly(
        Map.entry("eu-west1/a", 0), Map.entry("us-east1/a", 0), Map.entry("us-east1/b", 0));
  }

  @Test
  void preferCloseOrdersByZoneThenRegionWithoutOutlierDetection() {
    mesh.with(new ServiceBuilder(service("default", "reviews", "10.96.0.12", port("http", 9080)))
        .editSpec().withTrafficDistribution("PreferClose").endSpec().build());

    assertThat(priorities(EndpointGenerator.generate(REVIEWS, east, mesh.push())))
        .containsExactly(Map.entry("eu-west1/a", 2), Map.entry("us-east1/a", 0), Map.entry("us-east1/b", 1));
  }

  @Test
  void aProxyThatIsAnEndpointTakesItsLocalityFromTheRegistry() {
    rule("  outlierDetection: {consecutive5xxErrors: 1}\n");
    // the client pod runs in eu-west1 (its node's labels would say the same); the proxy itself says nothing
    mesh.with(service("default", "client", "10.96.0.20", port("http", 8080)),
        pod("default", "client-1", "10.244.5.5", "client", Map.of("topology.istio.io/locality", "eu-west1.a")),
        slice("default", "client", "http", 8080, Map.of("10.244.5.5", "client-1")));
    Proxy client = sidecar("default", "10.244.5.5", Map.of("app", "client"), InterceptionMode.REDIRECT);

    assertThat(priorities(EndpointGenerator.generate(REVIEWS, client, mesh.push())))
        .containsExactly(Map.entry("eu-west1/a", 0), Map.entry("us-east1/a", 1), Map.entry("us-east1/b", 1));
  }

  @Test
  void failoverPriorityOrdersByTheProxysLabels() {
    rule("""
          outlierDetection: {consecutive5xxErrors: 1}
          loadBalancer:
            localityLbSetting:
              failoverPriority: [topology.kubernetes.io/region]
        """);

    // region matches: priority 0, whatever the zone; the rest: 1
    assertThat(priorities(EndpointGenerator.generate(REVIEWS, east, mesh.push())))
        .containsExactly(Map.entry("eu-west1/a", 1), Map.entry("us-east1/a", 0), Map.entry("us-east1/b", 0));
  }
}
