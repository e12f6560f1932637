package io.meshpilot.xds;

import static io.meshpilot.xds.cluster.MeshFixture.port;
import static io.meshpilot.xds.cluster.MeshFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.meshpilot.registry.networking.ConfigMeta;
import io.meshpilot.registry.networking.DestinationRule;
import io.meshpilot.registry.networking.IstioConfig;
import io.meshpilot.registry.networking.Sidecar;
import io.meshpilot.registry.networking.TrafficConfigs;
import io.meshpilot.xds.cache.XdsCache;
import io.meshpilot.xds.cluster.MeshFixture;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.server.XdsType;
import io.meshpilot.xds.view.PushContext;
import io.meshpilot.xds.view.TrafficRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Sidecar {@code inboundConnectionPool} and an ingress listener's {@code connectionPool} on the
 * proxy's {@code inbound|<port>||} clusters, as istiod's buildInboundCluster applies them: the
 * listener's pool for its port, else the Sidecar's, either replacing the DestinationRule's.
 */
class SidecarInboundConnectionPoolTest {
  private final MeshFixture mesh = new MeshFixture().with(
      service("shop", "reviews", "10.96.0.12", port("http", 9080), port("tcp", 9090)));
  private final XdsCache cache = new XdsCache(1000);
  private final Proxy reviews = MeshFixture.sidecar("shop", "10.0.0.5", Map.of("app", "reviews"),
      InterceptionMode.REDIRECT);
  private volatile TrafficConfigs traffic = TrafficConfigs.EMPTY;

  private PushContext push(List<IstioConfig<DestinationRule>> rules, String sidecarSpec) {
    IstioConfig<Sidecar> sidecar = new IstioConfig<>(new ConfigMeta(TrafficRegistry.key("shop", "default"),
        "networking.istio.io/v1", "1", Instant.parse("2026-01-01T00:00:00Z"), Map.of(), Map.of(), 1, "test"),
        TrafficRegistry.spec(sidecarSpec));
    traffic = new TrafficConfigs(rules, List.of(), List.of(sidecar));
    return PushContext.create(TrafficFixture.withTraffic(mesh.registry(), () -> traffic), MeshSettings.defaults(),
        "v", cache);
  }

  private static final IstioConfig<DestinationRule> RULE = TrafficFixture.destinationRule("shop", "reviews", """
      host: reviews
      trafficPolicy: {connectionPool: {tcp: {maxConnections: 10}}}
      """);

  private static Cluster cluster(XdsResources resources, Proxy proxy, String name) {
    return resources.messages(proxy, XdsType.CLUSTER, Set.of()).stream().map(Cluster.class::cast)
        .filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
  }

  private static int maxConnections(Cluster cluster) {
    return cluster.getCircuitBreakers().getThresholds(0).getMaxConnections().getValue();
  }

  private static HttpProtocolOptions http(Message cluster) throws InvalidProtocolBufferException {
    return ((Cluster) cluster).getTypedExtensionProtocolOptionsOrThrow(
        "envoy.extensions.upstreams.http.v3.HttpProtocolOptions").unpack(HttpProtocolOptions.class);
  }

  @Test
  void theSidecarsInboundPoolReplacesTheDestinationRulesOnEveryServicePort() throws Exception {
    XdsResources resources = new XdsResources(push(List.of(RULE), """
        egress: [{hosts: ["./*"]}]
        inboundConnectionPool:
          tcp: {maxConnections: 50}
          http: {idleTimeout: 10s}
        """));

    Cluster http = cluster(resources, reviews, "inbound|9080||");
    assertThat(maxConnections(http)).isEqualTo(50);
    assertThat(http(http).getCommonHttpProtocolOptions().getIdleTimeout()).isEqualTo(Durations.fromSeconds(10));
    assertThat(maxConnections(cluster(resources, reviews, "inbound|9090||"))).isEqualTo(50);
    // the rule still names itself in the metadata, as in istiod
    assertThat(http.getMetadata().getFilterMetadataOrThrow("istio").getFieldsOrThrow("config").getStringValue())
        .isEqualTo("/apis/networking.istio.io/v1/namespaces/shop/destination-rule/reviews");
  }

  @Test
  void withoutASidecarPoolTheDestinationRulesApplies() {
    XdsResources resources = new XdsResources(push(List.of(RULE), "egress: [{hosts: [\"./*\"]}]\n"));

    assertThat(maxConnections(cluster(resources, reviews, "inbound|9080||"))).isEqualTo(10);
  }

  @Test
  void anIngressListenersPoolWinsForItsPortTheSidecarsForTheOthers() {
    XdsResources resources = new XdsResources(push(List.of(), """
        ingress:
        - port: {number: 9080, protocol: HTTP, name: http}
          defaultEndpoint: 127.0.0.1:8080
          connectionPool: {tcp: {maxConnections: 7}}
        - port: {number: 9090, protocol: TCP, name: tcp}
          defaultEndpoint: 127.0.0.1:8090
        egress: [{hosts: ["./*"]}]
        inboundConnectionPool: {tcp: {maxConnections: 50, connectTimeout: 2s}}
        """));

    assertThat(maxConnections(cluster(resources, reviews, "inbound|9080||"))).isEqualTo(7);
    Cluster tcp = cluster(resources, reviews, "inbound|9090||");
    assertThat(maxConnections(tcp)).isEqualTo(50);
    assertThat(tcp.getConnectTimeout()).isEqualTo(Durations.fromSeconds(2));
  }

  @Test
  void aChangedPoolIsNotServedFromTheCacheOfTheOldOne() {
    XdsResources resources = new XdsResources(push(List.of(), """
        egress: [{hosts: ["./*"]}]
        inboundConnectionPool: {tcp: {maxConnections: 50}}
        """));
    assertThat(maxConnections(cluster(resources, reviews, "inbound|9080||"))).isEqualTo(50);

    resources.advance(push(List.of(), """
        egress: [{hosts: ["./*"]}]
        inboundConnectionPool: {tcp: {maxConnections: 60}}
        """));
    assertThat(maxConnections(cluster(resources, reviews, "inbound|9080||"))).isEqualTo(60);
  }
}
