package io.meshpilot.xds.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.meshpilot.registry.networking.DestinationRule.LocalityLbSetting;
import io.meshpilot.registry.networking.DestinationRule.LocalityLbSetting.Distribute;
import io.meshpilot.registry.networking.DestinationRule.LocalityLbSetting.Failover;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cases of istiod's loadbalancer_test.go TestApplyLocalitySetting, for a proxy in region1/zone1/subzone1. */
class LocalityLoadBalancerTest {
  private static final Locality PROXY = locality("region1", "zone1", "subzone1");
  private static final ClientLocality CLIENT = new ClientLocality(PROXY, Map.of());

  /** istiod's buildFakeCluster: localities without endpoints or weights. */
  private static List<LocalityEndpoints.Group> fakeCluster() {
    return List.of(bare("region1", "zone1", "subzone1"), bare("region1", "zone1", "subzone1"),
        bare("region1", "zone1", "subzone2"), bare("region1", "zone1", "subzone3"), bare("region1", "zone2", ""),
        bare("region2", "", ""), bare("region3", "", ""));
  }

  @Test
  void distributeSharesTheTargetWeightsAndEmptiesUnnamedLocalities() {
    LocalityLbSetting setting = new LocalityLbSetting(List.of(new Distribute("region1/zone1/subzone1",
        Map.of("region1/zone1/subzone1", 80, "region1/zone1/subzone2", 15, "region1/zone1/subzone3", 5))),
        null, null, null);

    List<LocalityLbEndpoints> out = LocalityLoadBalancer.apply(fakeCluster(), CLIENT, new LocalityLbPolicy(setting, true));

    assertThat(out).extracting(l -> l.getLoadBalancingWeight().getValue()).containsExactly(40, 40, 15, 5, 0, 0, 0);
  }

  @Test
  void distributeRulesFromAnotherLocalityChangeNothing() {
    LocalityLbSetting setting = new LocalityLbSetting(List.of(new Distribute("region9/*",
        Map.of("region1/*", 100))), null, null, null);
    List<LocalityEndpoints.Group> groups =
        List.of(group(locality("region1", "zone1", ""), Map.of()), group(locality("region2", "zone1", ""), Map.of()));

    List<LocalityLbEndpoints> out = LocalityLoadBalancer.apply(groups, CLIENT, new LocalityLbPolicy(setting, false));

    assertThat(out).containsExactly(groups.get(0).lbEndpoints(), groups.get(1).lbEndpoints());
  }

  @Test
  void wildcardTargetsShareTheirWeightByLocalityWeight() {
    LocalityLbSetting setting = new LocalityLbSetting(List.of(new Distribute("region1/*",
        Map.of("region1/*", 80, "region2/*", 20))), null, null, null);
    List<LocalityEndpoints.Group> groups = List.of(
        group(locality("region1", "zone1", ""), Map.of(), Map.of()),
        group(locality("region1", "zone2", ""), Map.of()),
        group(locality("region2", "zone1", ""), Map.of()),
        group(locality("region3", "zone1", ""), Map.of()));

    List<LocalityLbEndpoints> out = LocalityLoadBalancer.apply(groups, CLIENT, new LocalityLbPolicy(setting, false));

    // region1's 80 split 2:1 by the localities' own weights (rounded up), region3 named by no target
    assertThat(out).extracting(l -> l.getLoadBalancingWeight().getValue()).containsExactly(54, 27, 20, 1);
    assertThat(out.get(3).getLbEndpointsList()).isEmpty();
    assertThat(out.get(0).getLbEndpointsList()).hasSize(2);
  }

  @Test
  void failoverOrdersLocalitiesByProximityAndTheFailoverRegion() {
    LocalityLbSetting setting = new LocalityLbSetting(null, List.of(new Failover("region1", "region2")), null, null);

    List<LocalityLbEndpoints> out = LocalityLoadBalancer.apply(fakeCluster(), CLIENT, new LocalityLbPolicy(setting, true));

    assertThat(out).extracting(LocalityLbEndpoints::getPriority).containsExactly(0, 0, 1, 1, 2, 3, 4);
  }

  @Test
  void failoverPrioritiesHaveNoGaps() {
    LocalityLbSetting setting = new LocalityLbSetting(null, List.of(new Failover("region1", "region2")), null, null);
    List<LocalityEndpoints.Group> small = List.of(bare("region1", "zone1", "subzone2"),
        bare("region2", "zone1", "subzone2"), bare("region2", "zone1", "subzone2"));

    List<LocalityLbEndpoints> out = LocalityLoadBalancer.apply(small, CLIENT, new LocalityLbPolicy(setting, true));

    assertThat(out).extracting(LocalityLbEndpoints::getPriority).containsExactly(0, 1, 1);
  }

  @Test
  void withoutOutlierDetectionFailoverDoesNothing() {
    LocalityLbSetting setting = new LocalityLbSetting(null, List.of(new Failover("region1", "region2")), null, null);

    List<LocalityLbEndpoints> out = LocalityLoadBalancer.apply(fakeCluster(), CLIENT, new LocalityLbPolicy(setting, false));

    assertThat(out).extracting(LocalityLbEndpoints::getPriority).containsOnly(0);
  }

  /** istiod's buildWrappedLocalityLbEndpoints: two endpoints per locality on networks n1 and n2. */
  private static List<LocalityEndpoints.Group> labelled() {
    return List.of(
        group(locality("region1", "zone1", "subzone1"), labels("n1", "c1"), labels("n2", "c2")),
        group(locality("region2", "zone2", "subzone2"), labels("n1", "c3"), labels("n2", "c4")),
        group(locality("region3", "zone3", "subzone3"), labels("n1", "c1"), labels("n2", "c2")));
  }

  @Test
  void failoverPriorityMatchingTheNetworkOnlyPrefersTheProxysNetwork() {
    LocalityLbSetting setting = new LocalityLbSetting(null, null,
        List.of("topology.istio.io/network", "topology.istio.io/cluster"), null);
    ClientLocality client = new ClientLocality(PROXY,
        Map.of("topology.istio.io/network", "n1", "topology.istio.io/cluster", "test"));

    List<LocalityLbEndpoints> out = LocalityLoadBalancer.apply(labelled(), client, new LocalityLbPolicy(setting, true));

    assertThat(out).extracting(LocalityLbEndpoints::getPriority).containsExactly(0, 1, 0, 1, 0, 1);
    assertThat(out).extracting(l -> l.getLoadBalancingWeight().getValue()).containsOnly(1);
    assertThat(out).extracting(l -> l.getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress().getAddress())
        .containsExactly("10.0.0.0", "10.0.0.1", "10.0.0.0", "10.0.0.1", "10.0.0.0", "10.0.0.1");
  }

  @Test
  void failoverPriorityMatchingAllLabelsComesFirst() {
    LocalityLbSetting setting = new LocalityLbSetting(null, null,
        List.of("topology.istio.io/network", "topology.istio.io/cluster"), null);
    ClientLocality client = new ClientLocality(PROXY,
        Map.of("topology.istio.io/network", "n1", "topology.istio.io/cluster", "c1"));

    List<LocalityLbEndpoints> out = LocalityLoadBalancer.apply(labelled(), client, new LocalityLbPolicy(setting, true));

    // n1/c1: 0; n1 only: 1; another network, another cluster: 2
    assertThat(out).extracting(LocalityLbEndpoints::getPriority).containsExactly(0, 2, 1, 2, 0, 2);
  }

  @Test
  void aFailoverPriorityValueOverridesTheProxysOwn() {
    LocalityLbSetting setting = new LocalityLbSetting(null, null, List.of("topology.istio.io/network=n1"), null);
    ClientLocality client = new ClientLocality(PROXY, Map.of("topology.istio.io/network", "n2"));

    List<LocalityLbEndpoints> out = LocalityLoadBalancer.apply(labelled(), client, new LocalityLbPolicy(setting, true));

    assertThat(out).extracting(LocalityLbEndpoints::getPriority).containsExactly(0, 1, 0, 1, 0, 1);
  }

  @Test
  void failoverPriorityWithFailoverOrdersByLabelsThenProximity() {
    LocalityLbSetting setting = new LocalityLbSetting(null, List.of(new Failover("region1", "region2")),
        List.of("topology.istio.io/network"), null);
    ClientLocality client = new ClientLocality(PROXY, Map.of("topology.istio.io/network", "n1"));

    List<LocalityLbEndpoints> out = LocalityLoadBalancer.apply(labelled(), client, new LocalityLbPolicy(setting, true));

    // label priority (n1 first) times five plus proximity (own subzone 0, region2 3, region3 4), compacted
    assertThat(out).extracting(LocalityLbEndpoints::getPriority).containsExactly(0, 3, 1, 4, 2, 5);
  }

  @Test
  void localityMatchTreatsMissingPartsAndStarsAsAny() {
    assertThat(LocalityLoadBalancer.matches(PROXY, "region1")).isTrue();
    assertThat(LocalityLoadBalancer.matches(PROXY, "region1/*/subzone1")).isTrue();
    assertThat(LocalityLoadBalancer.matches(PROXY, "*")).isTrue();
    assertThat(LocalityLoadBalancer.matches(PROXY, "region1/zone2")).isFalse();
    assertThat(LocalityLoadBalancer.matches(PROXY, "region2/*")).isFalse();
  }

  private static Locality locality(String region, String zone, String subzone) {
    return Locality.newBuilder().setRegion(region).setZone(zone).setSubZone(subzone).build();
  }

  private static Map<String, String> labels(String network, String cluster) {
    return Map.of("topology.istio.io/network", network, "topology.istio.io/cluster", cluster);
  }

  private static LocalityEndpoints.Group bare(String region, String zone, String subzone) {
    return new LocalityEndpoints.Group(
        LocalityLbEndpoints.newBuilder().setLocality(locality(region, zone, subzone)).build(), List.of());
  }

  /** A locality with one endpoint (weight 1) per label map, addressed 10.0.0.<index>. */
  @SafeVarargs
  private static LocalityEndpoints.Group group(Locality locality, Map<String, String>... endpointLabels) {
    LocalityLbEndpoints.Builder builder = LocalityLbEndpoints.newBuilder().setLocality(locality)
        .setLoadBalancingWeight(UInt32Value.of(endpointLabels.length));
    List<Map<String, String>> labels = new ArrayList<>();
    for (int i = 0; i < endpointLabels.length; i++) {
      builder.addLbEndpoints(LbEndpoint.newBuilder().setLoadBalancingWeight(UInt32Value.of(1))
          .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder().setSocketAddress(
              SocketAddress.newBuilder().setAddress("10.0.0." + i).setPortValue(80)))));
      labels.add(endpointLabels[i]);
    }
    return new LocalityEndpoints.Group(builder.build(), labels);
  }
}
