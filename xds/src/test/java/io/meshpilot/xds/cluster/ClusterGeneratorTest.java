package io.meshpilot.xds.cluster;

import static io.meshpilot.xds.cluster.MeshFixture.externalName;
import static io.meshpilot.xds.cluster.MeshFixture.pod;
import static io.meshpilot.xds.cluster.MeshFixture.port;
import static io.meshpilot.xds.cluster.MeshFixture.service;
import static io.meshpilot.xds.cluster.MeshFixture.serviceEntry;
import static io.meshpilot.xds.cluster.MeshFixture.sidecar;
import static io.meshpilot.xds.cluster.MeshFixture.slice;
import static io.meshpilot.xds.cluster.MeshFixture.udpPort;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.xds.conflict.GenerationConflicts;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterGeneratorTest {
  private static final String REVIEWS = "outbound|9080||reviews.default.svc.cluster.local";
  private final MeshFixture mesh = new MeshFixture();
  private final Proxy client = sidecar("default", "10.244.9.9");

  private List<Cluster> clusters(Proxy proxy) {
    return ClusterGenerator.generate(proxy, mesh.push());
  }

  private Optional<Cluster> cluster(Proxy proxy, String name) {
    return clusters(proxy).stream().filter(c -> c.getName().equals(name)).findFirst();
  }

  private static HttpProtocolOptions protocolOptions(Cluster cluster) throws InvalidProtocolBufferException {
    return cluster.getTypedExtensionProtocolOptionsOrThrow("envoy.extensions.upstreams.http.v3.HttpProtocolOptions")
        .unpack(HttpProtocolOptions.class);
  }

  @Test
  void clusterIpServiceGetsEdsClusterWithIstiodDefaults() {
    mesh.with(service("default", "reviews", "10.96.0.12", port("http", 9080)));

    Cluster reviews = cluster(client, REVIEWS).orElseThrow();

    assertThat(reviews.getType()).isEqualTo(Cluster.DiscoveryType.EDS);
    assertThat(reviews.getEdsClusterConfig().getServiceName()).isEqualTo(REVIEWS);
    assertThat(reviews.getEdsClusterConfig().getEdsConfig().hasAds()).isTrue();
    assertThat(reviews.getEdsClusterConfig().getEdsConfig().getInitialFetchTimeout()).isEqualTo(Durations.ZERO);
    assertThat(reviews.getEdsClusterConfig().getEdsConfig().getResourceApiVersion()).isEqualTo(ApiVersion.V3);
    assertThat(reviews.getConnectTimeout()).isEqualTo(Durations.fromSeconds(10));
    assertThat(reviews.getLbPolicy()).isEqualTo(Cluster.LbPolicy.LEAST_REQUEST);
    assertThat(reviews.getCommonLbConfig().hasHealthyPanicThreshold())
        .as("PILOT_AUTO_SEND_UNHEALTHY_ENDPOINTS: unhealthy endpoints are sent, so panic mode is off").isTrue();
    assertThat(reviews.getCommonLbConfig().getHealthyPanicThreshold().getValue()).isZero();
    assertThat(reviews.getAltStatName()).isEqualTo(REVIEWS + ";");
    var thresholds = reviews.getCircuitBreakers().getThresholds(0);
    assertThat(Integer.toUnsignedLong(thresholds.getMaxConnections().getValue())).isEqualTo(4294967295L);
    assertThat(Integer.toUnsignedLong(thresholds.getMaxPendingRequests().getValue())).isEqualTo(4294967295L);
    assertThat(Integer.toUnsignedLong(thresholds.getMaxRequests().getValue())).isEqualTo(4294967295L);
    assertThat(Integer.toUnsignedLong(thresholds.getMaxRetries().getValue())).isEqualTo(4294967295L);
    assertThat(thresholds.getTrackRemaining()).as("istiod 1.31 default: DISABLE_TRACK_REMAINING_CB_METRICS").isFalse();
    var services = reviews.getMetadata().getFilterMetadataOrThrow("istio").getFieldsOrThrow("services")
        .getListValue().getValues(0).getStructValue().getFieldsMap();
    assertThat(services.get("host").getStringValue()).isEqualTo("reviews.default.svc.cluster.local");
    assertThat(services.get("name").getStringValue()).isEqualTo("reviews");
    assertThat(services.get("namespace").getStringValue()).isEqualTo("default");
    assertThat(reviews.getTypedExtensionProtocolOptionsMap()).isEmpty(); // HTTP/1 port
    assertThat(reviews.getTransportSocketMatchesList()).isEmpty();
  }

  @Test
  void grpcPortsGetHttp2AndSniffedPortsUseTheDownstreamProtocol() throws Exception {
    mesh.with(service("default", "ratings", "10.96.0.13", port("grpc", 7070), port("", 8000)));

    Cluster grpc = cluster(client, "outbound|7070||ratings.default.svc.cluster.local").orElseThrow();
    Cluster sniffed = cluster(client, "outbound|8000||ratings.default.svc.cluster.local").orElseThrow();

    assertThat(protocolOptions(grpc).getExplicitHttpConfig().hasHttp2ProtocolOptions()).isTrue();
    assertThat(protocolOptions(sniffed).getUseDownstreamProtocolConfig().hasHttpProtocolOptions()).isTrue();
    assertThat(protocolOptions(sniffed).getUseDownstreamProtocolConfig().hasHttp2ProtocolOptions()).isTrue();
  }

  @Test
  void udpPortsAndExternalNameServicesGetNoCluster() {
    mesh.with(service("default", "dns", "10.96.0.10", udpPort("dns", 53), port("tcp-dns", 5353)),
        externalName("default", "alias", "example.com", port("http", 80)));

    assertThat(clusters(client)).extracting(Cluster::getName)
        .contains("outbound|5353||dns.default.svc.cluster.local")
        .doesNotContain("outbound|53||dns.default.svc.cluster.local", "outbound|80||alias.default.svc.cluster.local");
  }

  @Test
  void headlessServiceIsOriginalDstWithClusterProvidedLb() {
    mesh.with(service("default", "db", "None", port("tcp", 5432)));

    Cluster db = cluster(client, "outbound|5432||db.default.svc.cluster.local").orElseThrow();

    assertThat(db.getType()).isEqualTo(Cluster.DiscoveryType.ORIGINAL_DST);
    assertThat(db.getLbPolicy()).isEqualTo(Cluster.LbPolicy.CLUSTER_PROVIDED);
    assertThat(db.hasEdsClusterConfig()).isFalse();
    assertThat(db.hasOriginalDstLbConfig()).isFalse();
  }

  @Test
  void resolutionNoneServiceEntryWithTargetPortOverridesTheUpstreamPort() {
    mesh.with(serviceEntry("default", "legacy", Map.of(
        "hosts", List.of("legacy.example.com"), "resolution", "NONE", "location", "MESH_EXTERNAL",
        "ports", List.of(Map.of("number", 80, "name", "http", "protocol", "HTTP", "targetPort", 8080)))));

    Cluster legacy = cluster(client, "outbound|80||legacy.example.com").orElseThrow();

    assertThat(legacy.getType()).isEqualTo(Cluster.DiscoveryType.ORIGINAL_DST);
    assertThat(legacy.getOriginalDstLbConfig().getUpstreamPortOverride().getValue()).isEqualTo(8080);
    assertThat(legacy.getMetadata().getFilterMetadataOrThrow("istio").getFieldsOrThrow("external").getBoolValue())
        .isTrue();
  }

  @Test
  void dnsServiceEntryIsStrictDnsWithInlineEndpoints() {
    mesh.with(serviceEntry("default", "ext", Map.of(
        "hosts", List.of("api.example.com"), "resolution", "DNS", "location", "MESH_EXTERNAL",
        "ports", List.of(Map.of("number", 443, "name", "tls", "protocol", "TLS")),
        "endpoints", List.of(Map.of("address", "a.example.com"), Map.of("address", "b.example.com")))));

    Cluster ext = cluster(client, "outbound|443||api.example.com").orElseThrow();

    assertThat(ext.getType()).isEqualTo(Cluster.DiscoveryType.STRICT_DNS);
    assertThat(ext.getDnsLookupFamily()).isEqualTo(Cluster.DnsLookupFamily.V4_ONLY);
    assertThat(ext.getDnsRefreshRate()).isEqualTo(Durations.fromSeconds(60));
    assertThat(ext.getRespectDnsTtl()).isTrue();
    assertThat(ext.getLoadAssignment().getClusterName()).isEqualTo("outbound|443||api.example.com");
    assertThat(ext.getLoadAssignment().getEndpointsList()).flatExtracting(l -> l.getLbEndpointsList())
        .extracting(e -> e.getEndpoint().getAddress().getSocketAddress().getAddress() + ":"
            + e.getEndpoint().getAddress().getSocketAddress().getPortValue())
        .containsExactly("a.example.com:443", "b.example.com:443");
  }

  @Test
  void dnsRoundRobinServiceEntryIsLogicalDnsWithOneEndpoint() {
    mesh.with(serviceEntry("default", "ext", Map.of(
        "hosts", List.of("api.example.com"), "resolution", "DNS_ROUND_ROBIN", "location", "MESH_EXTERNAL",
        "ports", List.of(Map.of("number", 80, "name", "http", "protocol", "HTTP")))));

    Cluster ext = cluster(client, "outbound|80||api.example.com").orElseThrow();

    assertThat(ext.getType()).isEqualTo(Cluster.DiscoveryType.LOGICAL_DNS);
    assertThat(ext.getLoadAssignment().getEndpointsList()).hasSize(1);
    assertThat(ext.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress()
        .getSocketAddress().getAddress()).isEqualTo("api.example.com");
  }

  @Test
  void dualStackProxyBindsInboundPassthroughToBothLoopbackSources() {
    Proxy dual = new Proxy("sidecar", "10.244.0.7", "dual.default", "default.svc.cluster.local", "default",
        Map.of(), List.of("10.244.0.7", "fd00:10:244::7"), "Kubernetes", "1.31.0", InterceptionMode.REDIRECT, "", "");
    Proxy v6 = new Proxy("sidecar", "fd00:10:244::8", "v6.default", "default.svc.cluster.local", "default",
        Map.of(), List.of("fd00:10:244::8"), "Kubernetes", "1.31.0", InterceptionMode.REDIRECT, "", "");

    var dualBind = ClusterGenerator.inbound(dual, mesh.push()).getLast().getUpstreamBindConfig();
    assertThat(dualBind.getSourceAddress().getAddress()).isEqualTo("127.0.0.6");
    assertThat(dualBind.getExtraSourceAddressesList()).extracting(a -> a.getAddress().getAddress()).containsExactly("::6");
    var v6Bind = ClusterGenerator.inbound(v6, mesh.push()).getLast().getUpstreamBindConfig();
    assertThat(v6Bind.getSourceAddress().getAddress()).isEqualTo("::6");
    assertThat(v6Bind.getExtraSourceAddressesList()).isEmpty();
  }

  @Test
  void specialClustersAreAlwaysThereAndInboundOnesOnlyWithCapture() {
    mesh.with(service("default", "reviews", "10.96.0.12", port("http", 9080, 9081)),
        pod("default", "reviews-1", "10.244.0.5", "reviews"),
        slice("default", "reviews", "http", 9081, Map.of("10.244.0.5", "reviews-1")));
    Proxy reviewsPod = sidecar("default", "10.244.0.5", Map.of("app", "reviews"), InterceptionMode.REDIRECT);
    Proxy reviewsPodNone = sidecar("default", "10.244.0.5", Map.of("app", "reviews"), InterceptionMode.NONE);

    List<Cluster> captured = clusters(reviewsPod);

    assertThat(captured).extracting(Cluster::getName).containsExactly(
        "outbound|9080||reviews.default.svc.cluster.local", "BlackHoleCluster", "PassthroughCluster",
        "inbound|9081||", "InboundPassthroughCluster");
    Cluster blackHole = captured.get(1);
    assertThat(blackHole.getType()).isEqualTo(Cluster.DiscoveryType.STATIC);
    assertThat(blackHole.hasLoadAssignment()).isFalse();
    Cluster passthrough = captured.get(2);
    assertThat(passthrough.getType()).isEqualTo(Cluster.DiscoveryType.ORIGINAL_DST);
    assertThat(passthrough.getLbPolicy()).isEqualTo(Cluster.LbPolicy.CLUSTER_PROVIDED);
    Cluster inbound = captured.get(3);
    assertThat(inbound.getType()).isEqualTo(Cluster.DiscoveryType.ORIGINAL_DST);
    assertThat(inbound.getUpstreamBindConfig().getSourceAddress().getAddress()).isEqualTo("127.0.0.6");
    Cluster inboundPassthrough = captured.get(4);
    assertThat(inboundPassthrough.getUpstreamBindConfig().getSourceAddress().getAddress()).isEqualTo("127.0.0.6");
    assertThat(inboundPassthrough.getUpstreamBindConfig().getExtraSourceAddressesList()).isEmpty();
    // istiod's passthrough clusters: no common_lb_config, and the inbound one keeps PassthroughCluster's stat name
    assertThat(passthrough.hasCommonLbConfig()).isFalse();
    assertThat(inboundPassthrough.hasCommonLbConfig()).isFalse();
    assertThat(inboundPassthrough.getAltStatName()).isEqualTo("PassthroughCluster;");

    assertThat(clusters(reviewsPodNone)).extracting(Cluster::getName).containsExactly(
        "outbound|9080||reviews.default.svc.cluster.local", "BlackHoleCluster", "PassthroughCluster");
  }

  @Test
  void servicesNotExportedToTheProxyNamespaceGetNoCluster() {
    mesh.with(new io.fabric8.kubernetes.api.model.ServiceBuilder(service("other", "private", "10.96.0.20",
        port("http", 80))).editMetadata().addToAnnotations("networking.istio.io/exportTo", ".").endMetadata().build());

    assertThat(clusters(client)).extracting(Cluster::getName)
        .doesNotContain("outbound|80||private.other.svc.cluster.local");
    assertThat(clusters(sidecar("other", "10.244.1.1"))).extracting(Cluster::getName)
        .contains("outbound|80||private.other.svc.cluster.local");
  }

  @Test
  void aClusterNameBuiltTwiceKeepsTheFirstAndReportsTheService() {
    mesh.with(service("default", "reviews", "10.96.0.12", port("http", 9080), port("grpc", 9080)));
    GenerationConflicts.shared().clear(); // process-wide: start from nothing
    try {
      List<Cluster> all = clusters(client);

      assertThat(all).extracting(Cluster::getName).doesNotHaveDuplicates().contains(REVIEWS);
      assertThat(GenerationConflicts.shared().rejections()).singleElement()
          .satisfies(r -> {
            assertThat(r.object()).isEqualTo(new ObjectKey("Service", "default", "reviews"));
            assertThat(r.reason()).isEqualTo("cluster " + REVIEWS
                + " is declared twice (port 9080 is listed more than once); the first kept");
          });
    } finally {
      GenerationConflicts.shared().clear();
    }
  }
}
