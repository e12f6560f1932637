package io.meshpilot.xds.cluster;

import static io.meshpilot.xds.TrafficFixture.destinationRule;
import static io.meshpilot.xds.cluster.MeshFixture.pod;
import static io.meshpilot.xds.cluster.MeshFixture.port;
import static io.meshpilot.xds.cluster.MeshFixture.service;
import static io.meshpilot.xds.cluster.MeshFixture.sidecar;
import static io.meshpilot.xds.cluster.MeshFixture.slice;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.networking.DestinationRule.LocalityLbSetting;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.cache.XdsCache;
import io.meshpilot.xds.conflict.GenerationConflicts;
import io.meshpilot.xds.dump.ConfigDumpJson;
import io.meshpilot.xds.endpoint.EndpointGenerator;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.view.PushContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * DestinationRule → clusters as istiod builds them: subset clusters, policies merged per port and
 * subset, metadata; golden JSON in {@code golden/destination-rule/} (regenerate with
 * {@code -Dgolden.update=true} and review the diff against istiod's config_dump).
 */
class DestinationRuleClustersTest {
  private static final String REVIEWS = "reviews.shop.svc.cluster.local";
  private static final Proxy CLIENT = sidecar("web", "10.1.0.9");

  private final MeshFixture mesh = new MeshFixture().with(
      service("shop", "reviews", "10.0.0.1", port("http", 9080), port("grpc", 9090)),
      pod("shop", "reviews-v1", "10.2.0.1", "reviews", Map.of("version", "v1")),
      pod("shop", "reviews-v2", "10.2.0.2", "reviews", Map.of("version", "v2")),
      slice("shop", "reviews", "http", 9080, Map.of("10.2.0.1", "reviews-v1", "10.2.0.2", "reviews-v2")));

  @AfterEach
  void forgetConflicts() {
    GenerationConflicts.shared().clear();
  }

  private List<Cluster> reviewsClusters() {
    return ClusterGenerator.outbound(CLIENT, mesh.push()).stream()
        .filter(c -> c.getName().endsWith("|" + REVIEWS)).toList();
  }

  private boolean localityWeighted(PushContext push) {
    return ClusterGenerator.outbound(CLIENT, push).stream()
        .filter(c -> c.getName().equals("outbound|9080||" + REVIEWS)).findFirst().orElseThrow()
        .getCommonLbConfig().hasLocalityWeightedLbConfig();
  }

  @Test
  void localityWeightedLbConfigComesWithDistributionOrWithFailoverThatApplies() {
    mesh.withRules(destinationRule("shop", "reviews", """
        host: reviews
        trafficPolicy:
          loadBalancer: {localityLbSetting: {failover: [{from: a, to: b}]}}
        """));
    assertThat(localityWeighted(mesh.push())).isFalse();

    mesh.withRules(destinationRule("shop", "reviews", """
        host: reviews
        trafficPolicy:
          outlierDetection: {consecutive5xxErrors: 3}
          loadBalancer: {localityLbSetting: {failover: [{from: a, to: b}]}}
        """));
    assertThat(localityWeighted(mesh.push())).isTrue();
  }

  @Test
  void theMeshLocalitySettingAndTrafficDistributionAlsoGiveLocalityWeights() {
    LocalityLbSetting distribute = new LocalityLbSetting(
        List.of(new LocalityLbSetting.Distribute("a/*", Map.of("a/*", 100))), null, null, true);
    assertThat(localityWeighted(mesh.push())).isFalse();
    assertThat(localityWeighted(mesh.push(MeshSettings.defaults().withLocalityLbSetting(distribute)))).isTrue();

    // PreferClose forces failover by network, region and zone, as istiod's GetEffectiveLbSetting
    mesh.with(new ServiceBuilder(service("shop", "reviews", "10.0.0.1", port("http", 9080), port("grpc", 9090)))
        .editSpec().withTrafficDistribution("PreferClose").endSpec().build());
    assertThat(localityWeighted(mesh.push())).isTrue();
  }

  @Test
  void subsetsAndPoliciesMatchIstiod() throws IOException {
    mesh.withRules(destinationRule("shop", "reviews", """
        host: reviews
        trafficPolicy:
          loadBalancer:
            consistentHash: {httpHeaderName: x-user, ringHash: {minimumRingSize: 2048}}
          connectionPool:
            tcp: {maxConnections: 100, connectTimeout: 3s, tcpKeepalive: {probes: 3, time: 600s, interval: 75s}}
            http: {http1MaxPendingRequests: 10, http2MaxRequests: 200, maxRequestsPerConnection: 5, maxRetries: 2, idleTimeout: 30s}
          outlierDetection: {consecutive5xxErrors: 3, consecutiveGatewayErrors: 2, interval: 5s, baseEjectionTime: 30s, maxEjectionPercent: 50}
          portLevelSettings:
          - port: {number: 9090}
            loadBalancer: {simple: RANDOM}
        subsets:
        - name: v1
          labels: {version: v1}
        - name: v2
          labels: {version: v2}
          trafficPolicy:
            loadBalancer:
              simple: ROUND_ROBIN
              warmup: {duration: 60s}
            connectionPool:
              http: {h2UpgradePolicy: UPGRADE}
        """));
    assertGolden("subsets-and-policies.json", reviewsClusters());
  }

  @Test
  void tlsOriginationMatchesIstiod() throws IOException {
    mesh.withRules(destinationRule("shop", "reviews-tls", """
        host: reviews
        trafficPolicy:
          tls: {mode: SIMPLE, caCertificates: /etc/certs/ca.pem, sni: reviews.example.com, subjectAltNames: [reviews.example.com]}
          portLevelSettings:
          - port: {number: 9090}
            tls: {mode: MUTUAL, clientCertificate: /etc/certs/cert.pem, privateKey: /etc/certs/key.pem}
        subsets:
        - name: passthrough
          trafficPolicy: {loadBalancer: {simple: PASSTHROUGH}, tls: {mode: DISABLE}}
        - name: proxied
          trafficPolicy: {proxyProtocol: {version: V2}}
        """));
    assertGolden("tls.json", reviewsClusters());
  }

  @Test
  void dnsServiceSubsetsInlineOnlyTheirEndpoints() {
    mesh.with(MeshFixture.serviceEntry("shop", "legacy", Map.of("hosts", List.of("legacy.example.com"),
        "resolution", "DNS", "location", "MESH_EXTERNAL",
        "ports", List.of(Map.of("number", 8080, "name", "http", "protocol", "HTTP")),
        "endpoints", List.of(Map.of("address", "a.legacy.example.com", "labels", Map.of("zone", "a")),
            Map.of("address", "b.legacy.example.com", "labels", Map.of("zone", "b"))))));
    mesh.withRules(destinationRule("shop", "legacy", """
        host: legacy.example.com
        subsets: [{name: a, labels: {zone: a}}, {name: none, labels: {zone: c}}]
        """));
    List<Cluster> clusters = ClusterGenerator.outbound(CLIENT, mesh.push()).stream()
        .filter(c -> c.getName().endsWith("|legacy.example.com")).toList();
    assertThat(clusters).extracting(Cluster::getName)
        .containsExactly("outbound|8080||legacy.example.com", "outbound|8080|a|legacy.example.com");
    Cluster a = clusters.get(1);
    assertThat(a.getType()).isEqualTo(Cluster.DiscoveryType.STRICT_DNS);
    assertThat(a.getLoadAssignment().getEndpointsList()).flatExtracting(l -> l.getLbEndpointsList())
        .extracting(e -> e.getEndpoint().getAddress().getSocketAddress().getAddress())
        .containsExactly("a.legacy.example.com");
    assertThat(a.getMetadata().getFilterMetadataOrThrow("istio").getFieldsOrThrow("external").getBoolValue()).isTrue();
  }

  @Test
  void inboundClustersTakeTheConnectionPoolOfTheirServicesRule() {
    mesh.withRules(destinationRule("shop", "reviews", """
        host: reviews
        trafficPolicy:
          connectionPool: {tcp: {maxConnections: 7}}
          outlierDetection: {consecutive5xxErrors: 3}
        """));
    Proxy server = sidecar("shop", "10.2.0.1", Map.of("app", "reviews", "version", "v1"),
        io.meshpilot.xds.proxy.InterceptionMode.REDIRECT);
    Cluster inbound = named(ClusterGenerator.inbound(server, mesh.push()), "inbound|9080||");
    assertThat(inbound.getCircuitBreakers().getThresholds(0).getMaxConnections().getValue()).isEqualTo(7);
    assertThat(inbound.hasOutlierDetection()).isFalse();
    assertThat(inbound.getLbPolicy()).isEqualTo(Cluster.LbPolicy.CLUSTER_PROVIDED);
    assertThat(inbound.getMetadata().getFilterMetadataOrThrow("istio").getFieldsOrThrow("config").getStringValue())
        .isEqualTo("/apis/networking.istio.io/v1/namespaces/shop/destination-rule/reviews");
  }

  @Test
  void istioMutualIsRefusedWithTheRuleNamedAndTheOtherClustersStay() {
    mesh.withRules(destinationRule("shop", "mtls", """
        host: reviews
        subsets:
        - name: v1
          labels: {version: v1}
          trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}
        - name: v2
          labels: {version: v2}
        """));
    assertThat(reviewsClusters()).extracting(Cluster::getName).containsExactly(
        "outbound|9080||" + REVIEWS, "outbound|9080|v2|" + REVIEWS,
        "outbound|9090||" + REVIEWS, "outbound|9090|v2|" + REVIEWS);
    assertThat(GenerationConflicts.shared().rejections())
        .anySatisfy(r -> {
          assertThat(r.object()).isEqualTo(new ObjectKey("DestinationRule", "shop", "mtls"));
          assertThat(r.reason()).contains("outbound|9080|v1|" + REVIEWS, "ISTIO_MUTUAL");
        });
  }

  @Test
  void changingAnotherRuleKeepsTheseClustersFromTheCache() {
    XdsCache cache = new XdsCache(1000);
    var reviews = destinationRule("shop", "reviews", "host: reviews\nsubsets: [{name: v1, labels: {version: v1}}]");
    mesh.withRules(reviews, destinationRule("shop", "other", "host: other\ntrafficPolicy: {loadBalancer: {simple: RANDOM}}"));
    List<Cluster> before = ClusterGenerator.outbound(CLIENT, mesh.push(cache));
    mesh.withRules(reviews, destinationRule("shop", "other", "host: other\ntrafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}"));
    List<Cluster> after = ClusterGenerator.outbound(CLIENT, mesh.push(cache));
    Cluster v1Before = named(before, "outbound|9080|v1|" + REVIEWS);
    assertThat(named(after, "outbound|9080|v1|" + REVIEWS)).isSameAs(v1Before);

    mesh.withRules(destinationRule("shop", "reviews", "host: reviews\nsubsets: [{name: v2, labels: {version: v2}}]"));
    List<Cluster> changed = ClusterGenerator.outbound(CLIENT, mesh.push(cache));
    assertThat(changed).extracting(Cluster::getName).contains("outbound|9080|v2|" + REVIEWS)
        .doesNotContain("outbound|9080|v1|" + REVIEWS);
  }

  @Test
  void subsetEndpointsAreThoseWithTheSubsetsLabels() {
    mesh.withRules(destinationRule("shop", "reviews", """
        host: reviews
        subsets: [{name: v1, labels: {version: v1}}, {name: v3, labels: {version: v3}}]
        """));
    ClusterLoadAssignment v1 = EndpointGenerator.generate("outbound|9080|v1|" + REVIEWS, CLIENT, mesh.push());
    assertThat(v1.getEndpointsList()).flatExtracting(l -> l.getLbEndpointsList())
        .extracting(e -> e.getEndpoint().getAddress().getSocketAddress().getAddress()).containsExactly("10.2.0.1");
    ClusterLoadAssignment all = EndpointGenerator.generate("outbound|9080||" + REVIEWS, CLIENT, mesh.push());
    assertThat(all.getEndpoints(0).getLbEndpointsCount()).isEqualTo(2);
    assertThat(EndpointGenerator.generate("outbound|9080|v3|" + REVIEWS, CLIENT, mesh.push()).getEndpointsCount())
        .isZero();
    assertThat(EndpointGenerator.generate("outbound|9080|nope|" + REVIEWS, CLIENT, mesh.push()).getEndpointsCount())
        .isZero();
  }

  @Test
  void consistentHashGivesRoutesTheirHashPolicy() {
    mesh.withRules(destinationRule("shop", "reviews", """
        host: reviews
        trafficPolicy: {loadBalancer: {consistentHash: {httpCookie: {name: user, ttl: 10s}}}}
        subsets:
        - name: v1
          labels: {version: v1}
          trafficPolicy: {loadBalancer: {consistentHash: {useSourceIp: true}}}
        """));
    var push = mesh.push();
    var service = push.service(CLIENT, REVIEWS).orElseThrow();
    assertThat(HashPolicies.forDestination(push, CLIENT, service, 9080, "").orElseThrow().getCookie().getName())
        .isEqualTo("user");
    assertThat(HashPolicies.forDestination(push, CLIENT, service, 9080, "v1").orElseThrow()
        .getConnectionProperties().getSourceIp()).isTrue();
  }

  @Test
  void theDefaultRouteOfAHashingServiceCarriesItsHashPolicy() {
    mesh.withRules(destinationRule("shop", "reviews", """
        host: reviews
        trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-user}}}
        """));
    var routes = io.meshpilot.xds.route.RouteGenerator.generate("9080", CLIENT, mesh.push());
    var reviews = routes.getVirtualHostsList().stream()
        .filter(v -> v.getName().equals(REVIEWS + ":9080")).findFirst().orElseThrow();
    assertThat(reviews.getRoutes(0).getRoute().getHashPolicyList())
        .singleElement().satisfies(h -> assertThat(h.getHeader().getHeaderName()).isEqualTo("x-user"));
    assertThat(routes.getVirtualHostsList()).filteredOn(v -> !v.getName().equals(REVIEWS + ":9080"))
        .allSatisfy(v -> assertThat(v.getRoutesList()).allSatisfy(r -> assertThat(r.getRoute().getHashPolicyList()).isEmpty()));
  }

  private static Cluster named(List<Cluster> clusters, String name) {
    return clusters.stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
  }

  private static void assertGolden(String file, List<Cluster> clusters) throws IOException {
    String json = clusters.stream().map(c -> ConfigDumpJson.write(c, true))
        .collect(Collectors.joining(",\n", "[\n", "\n]\n"));
    Path golden = Path.of("src/test/resources/golden/destination-rule", file);
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(golden, json, StandardCharsets.UTF_8);
    }
    assertThat(golden).as("golden file (write it with -Dgolden.update=true)").exists();
    assertThat(json).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
  }
}
