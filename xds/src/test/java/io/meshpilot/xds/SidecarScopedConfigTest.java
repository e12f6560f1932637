package io.meshpilot.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.meshpilot.xds.cluster.MeshFixture;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.server.PushRequest;
import io.meshpilot.xds.server.XdsType;
import io.meshpilot.xds.view.PushContext;
import io.meshpilot.xds.view.TrafficRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A proxy gets what its Sidecar scope imports, in every type, and shares it with its scope's proxies. */
class SidecarScopedConfigTest {
  private static final String REVIEWS = "outbound|9080||reviews.shop.svc.cluster.local";
  private static final String RATINGS = "outbound|9080||ratings.shop.svc.cluster.local";
  private static final String BILLING = "outbound|8080||billing.pay.svc.cluster.local";

  private final TrafficRegistry registry = new TrafficRegistry();
  private XdsResources resources;
  private int pushes;

  SidecarScopedConfigTest() {
    service("shop", "reviews", "10.96.0.12", 9080);
    service("shop", "ratings", "10.96.0.13", 9080);
    service("pay", "billing", "10.96.0.20", 8080, 9080);
    registry.mesh().upsert("test", new EndpointSliceBuilder().withNewMetadata().withName("billing-1")
        .withNamespace("pay").addToLabels("kubernetes.io/service-name", "billing").endMetadata()
        .withAddressType("IPv4").addNewEndpoint().withAddresses("10.1.0.20").endEndpoint()
        .addNewPort().withName("http-8080").withPort(8080).endPort().build());
    registry.sidecar("shop", "local-only", "2024-01-01T00:00:00Z", "egress: [{hosts: [\"./*\"]}]");
    resources = new XdsResources(push());
  }

  @Test
  void clustersListenersRoutesAndEndpointsHoldOnlyTheScopesHosts() {
    Proxy shop = MeshFixture.sidecar("shop", "10.0.0.1");

    assertThat(names(resources.messages(shop, XdsType.CLUSTER, Set.of()))).containsExactly(
        RATINGS, REVIEWS, "BlackHoleCluster", "PassthroughCluster", "InboundPassthroughCluster");
    assertThat(names(resources.messages(shop, XdsType.LISTENER, Set.of())))
        .containsExactly("0.0.0.0_9080", "virtualOutbound", "virtualInbound");
    RouteConfiguration route = (RouteConfiguration) resources.messages(shop, XdsType.ROUTE, Set.of("9080")).getFirst();
    assertThat(route.getVirtualHostsList()).extracting(VirtualHost::getName)
        .containsExactly("ratings.shop.svc.cluster.local:9080", "reviews.shop.svc.cluster.local:9080", "allow_any");
    ClusterLoadAssignment billing = (ClusterLoadAssignment) resources.messages(shop, XdsType.ENDPOINT, Set.of(BILLING))
        .getFirst();
    assertThat(billing.getEndpointsList()).isEmpty();
    // a proxy elsewhere still sees billing and its endpoints
    Proxy pay = MeshFixture.sidecar("pay", "10.0.0.2");
    assertThat(names(resources.messages(pay, XdsType.CLUSTER, Set.of()))).contains(BILLING, REVIEWS);
    assertThat(((ClusterLoadAssignment) resources.messages(pay, XdsType.ENDPOINT, Set.of(BILLING)).getFirst())
        .getEndpointsList()).hasSize(1);
  }

  @Test
  void aPortSpecificEgressListenerGetsOneListenerWithOnlyItsHosts() throws Exception {
    registry.sidecar("shop", "local-only", "2024-01-01T00:00:00Z", """
        egress:
        - port: {number: 9080, protocol: TCP, name: tcp}
          hosts: ["pay/*"]
        - hosts: ["./*"]
        """);
    advance();
    Proxy shop = MeshFixture.sidecar("shop", "10.0.0.1");

    assertThat(names(resources.messages(shop, XdsType.CLUSTER, Set.of())))
        .containsExactly("outbound|9080||billing.pay.svc.cluster.local", RATINGS, REVIEWS,
            "BlackHoleCluster", "PassthroughCluster", "InboundPassthroughCluster");
    // billing's 8080 is not imported: neither its cluster nor its endpoints
    assertThat(((ClusterLoadAssignment) resources.messages(shop, XdsType.ENDPOINT, Set.of(BILLING)).getFirst())
        .getEndpointsList()).isEmpty();
    Listener tcp = listener(shop, "0.0.0.0_9080");
    // the port-specific listener holds billing only: reviews and ratings on 9080 are locked out of it
    assertThat(tcp.getFilterChainsList()).singleElement().satisfies(chain -> {
      assertThat(chain.getFilterChainMatch().getPrefixRanges(0).getAddressPrefix()).isEqualTo("10.96.0.20");
      assertThat(tcpCluster(chain.getFilters(0).getTypedConfig().unpack(TcpProxy.class)))
          .isEqualTo("outbound|9080||billing.pay.svc.cluster.local");
    });
    assertThat(tcp.getBindToPort().getValue()).isFalse();
  }

  @Test
  void withoutCaptureAPortSpecificListenerBindsItsAddress() {
    registry.sidecar("shop", "local-only", "2024-01-01T00:00:00Z", """
        egress:
        - port: {number: 9080, protocol: HTTP, name: http}
          bind: 127.0.0.5
          hosts: ["./reviews.shop.svc.cluster.local"]
        """);
    advance();
    Proxy shop = MeshFixture.sidecar("shop", "10.0.0.1", Map.of(), InterceptionMode.NONE);

    assertThat(names(resources.messages(shop, XdsType.LISTENER, Set.of()))).containsExactly("127.0.0.5_9080");
    RouteConfiguration route = (RouteConfiguration) resources.messages(shop, XdsType.ROUTE, Set.of("9080")).getFirst();
    assertThat(route.getVirtualHostsList()).extracting(VirtualHost::getName)
        .containsExactly("reviews.shop.svc.cluster.local:9080", "allow_any");
  }

  @Test
  void theSidecarsRegistryOnlyPolicyBlocksUnknownDestinationsForItsProxiesOnly() {
    registry.sidecar("shop", "local-only", "2024-01-01T00:00:00Z", """
        egress: [{hosts: ["./*"]}]
        outboundTrafficPolicy: {mode: REGISTRY_ONLY}
        """);
    advance();
    Proxy shop = MeshFixture.sidecar("shop", "10.0.0.1");
    Proxy pay = MeshFixture.sidecar("pay", "10.0.0.2");

    assertThat(catchAll(shop)).isEqualTo("BlackHoleCluster");
    assertThat(catchAll(pay)).isEqualTo("PassthroughCluster");
    RouteConfiguration route = (RouteConfiguration) resources.messages(shop, XdsType.ROUTE, Set.of("9080")).getFirst();
    assertThat(route.getVirtualHostsList().getLast().getName()).isEqualTo("block_all");
  }

  @Test
  void unknownDestinationsGoToTheSidecarsEgressProxyInsteadOfPassthrough() throws Exception {
    registry.sidecar("shop", "local-only", "2024-01-01T00:00:00Z", """
        egress: [{hosts: ["./*", "pay/*"]}]
        outboundTrafficPolicy:
          mode: ALLOW_ANY
          egressProxy: {host: billing.pay.svc.cluster.local, subset: v1, port: {number: 8080}}
        """);
    advance();
    Proxy shop = MeshFixture.sidecar("shop", "10.0.0.1");
    String egress = "outbound|8080|v1|billing.pay.svc.cluster.local";

    assertThat(catchAll(shop)).isEqualTo(egress);
    TcpProxy fallthrough = listener(shop, "0.0.0.0_9080").getDefaultFilterChain().getFilters(0).getTypedConfig()
        .unpack(TcpProxy.class);
    assertThat(fallthrough.getCluster()).isEqualTo(egress);
    assertThat(fallthrough.getStatPrefix()).isEqualTo(egress);
    RouteConfiguration route = (RouteConfiguration) resources.messages(shop, XdsType.ROUTE, Set.of("9080")).getFirst();
    VirtualHost allowAny = route.getVirtualHostsList().getLast();
    assertThat(allowAny.getName()).isEqualTo("allow_any");
    assertThat(allowAny.getRoutes(0).getRoute().getCluster()).isEqualTo(egress);
    // other namespaces keep PassthroughCluster
    assertThat(catchAll(MeshFixture.sidecar("pay", "10.0.0.2"))).isEqualTo("PassthroughCluster");
  }

  @Test
  void proxiesOfOneSidecarShareTheBuiltPartsAndOthersOfTheNamespaceDoNot() {
    registry.sidecar("shop", "web", "2024-01-01T00:00:00Z", """
        workloadSelector: {labels: {app: web}}
        egress: [{hosts: ["pay/*"]}]
        """);
    advance();
    Proxy web1 = MeshFixture.sidecar("shop", "10.0.0.1", Map.of("app", "web", "pod", "1"), InterceptionMode.REDIRECT);
    Proxy web2 = MeshFixture.sidecar("shop", "10.0.0.2", Map.of("app", "web", "pod", "2"), InterceptionMode.REDIRECT);
    Proxy other = MeshFixture.sidecar("shop", "10.0.0.3", Map.of("app", "db"), InterceptionMode.REDIRECT);

    for (XdsType type : List.of(XdsType.CLUSTER, XdsType.LISTENER)) {
      assertThat(resources.generate(web2, type, Set.of()).parts().getFirst())
          .isSameAs(resources.generate(web1, type, Set.of()).parts().getFirst());
      assertThat(resources.generate(other, type, Set.of()).parts().getFirst())
          .isNotSameAs(resources.generate(web1, type, Set.of()).parts().getFirst());
    }
    assertThat(names(resources.messages(web1, XdsType.CLUSTER, Set.of()))).contains(BILLING).doesNotContain(REVIEWS);
  }

  @Test
  void aChangeOutsideTheScopeDoesNotReachTheProxy() {
    Proxy shop = MeshFixture.sidecar("shop", "10.0.0.1");
    Proxy pay = MeshFixture.sidecar("pay", "10.0.0.2");

    service("pay", "billing", "10.96.0.20", 8080);
    advance();

    PushRequest billingChanged = PushRequest.services(Set.of("billing.pay.svc.cluster.local"));
    assertThat(resources.affects(billingChanged, shop)).isFalse();
    assertThat(resources.affects(billingChanged, pay)).isTrue();
    assertThat(resources.affects(PushRequest.endpoints(Set.of("billing.pay.svc.cluster.local")), shop)).isFalse();
    assertThat(resources.affects(PushRequest.endpoints(Set.of("reviews.shop.svc.cluster.local")), shop)).isTrue();
  }

  @Test
  void oneChangeReachesTheProxiesOfANamespaceWhoseSidecarLetsThemSeeIt() {
    // shop's namespace-wide Sidecar keeps its proxies to shop; this one lets web see pay too
    registry.sidecar("shop", "web", "2024-01-01T00:00:00Z", """
        workloadSelector: {labels: {app: web}}
        egress: [{hosts: ["pay/*"]}]
        """);
    service("pay", "billing", "10.96.0.20", 8080);
    advance();
    Proxy web = MeshFixture.sidecar("shop", "10.0.0.1", Map.of("app", "web"), InterceptionMode.REDIRECT);
    Proxy db = MeshFixture.sidecar("shop", "10.0.0.2", Map.of("app", "db"), InterceptionMode.REDIRECT);
    Proxy web2 = MeshFixture.sidecar("shop", "10.0.0.3", Map.of("app", "web"), InterceptionMode.REDIRECT);

    // one request asked for each proxy, as a push asks it: the answers are per scope, not per namespace
    PushRequest billingEndpoints = PushRequest.endpoints(Set.of("billing.pay.svc.cluster.local"));
    assertThat(resources.affects(billingEndpoints, web)).isTrue();
    assertThat(resources.affects(billingEndpoints, db)).isFalse();
    assertThat(resources.affects(billingEndpoints, web2)).isTrue();
    assertThat(resources.affects(billingEndpoints, db)).isFalse();
  }

  @Test
  void aSidecarChangeReachesTheProxiesItSelectsOrSelected() {
    Proxy web = MeshFixture.sidecar("shop", "10.0.0.1", Map.of("app", "web"), InterceptionMode.REDIRECT);
    Proxy db = MeshFixture.sidecar("shop", "10.0.0.2", Map.of("app", "db"), InterceptionMode.REDIRECT);
    Proxy pay = MeshFixture.sidecar("pay", "10.0.0.3");
    PushRequest webSidecar = PushRequest.configs(Set.of(TrafficRegistry.key("shop", "web")));

    registry.sidecar("shop", "web", "2024-02-01T00:00:00Z", "workloadSelector: {labels: {app: web}}");
    advance();
    assertThat(resources.affects(webSidecar, web)).isTrue();
    assertThat(resources.affects(webSidecar, db)).isFalse();
    assertThat(resources.affects(webSidecar, pay)).isFalse();

    registry.withoutSidecar("shop", "web");
    advance();
    assertThat(resources.affects(webSidecar, web)).as("it selected web before").isTrue();
    assertThat(resources.affects(webSidecar, db)).isFalse();

    PushRequest namespaceSidecar = PushRequest.configs(Set.of(TrafficRegistry.key("shop", "local-only")));
    assertThat(resources.affects(namespaceSidecar, db)).isTrue();
    assertThat(resources.affects(namespaceSidecar, pay)).isFalse();
  }

  @Test
  void withoutCaptureAnIngressListenerBindsItsPortAndSendsToTheDefaultEndpoint() {
    registry.sidecar("shop", "local-only", "2024-01-01T00:00:00Z", """
        ingress:
        - port: {number: 9080, protocol: HTTP, name: http}
          defaultEndpoint: 127.0.0.1:8080
        - port: {number: 5432, protocol: TCP, name: db}
          defaultEndpoint: 0.0.0.0:5433
        egress: [{hosts: ["./*"]}]
        """);
    advance();
    Proxy shop = MeshFixture.sidecar("shop", "10.0.0.1", Map.of(), InterceptionMode.NONE);

    Listener http = listener(shop, "10.0.0.1_9080");
    assertThat(http.getAddress().getSocketAddress().getAddress()).isEqualTo("10.0.0.1");
    assertThat(http.hasBindToPort()).isFalse(); // binds, as Envoy does by default
    assertThat(http.getFilterChainsList()).singleElement()
        .satisfies(chain -> assertThat(chain.getFilters(0).getName()).isEqualTo("envoy.filters.network.http_connection_manager"));
    // tls_inspector for istiod's mTLS chain of the port (meshpilot has none yet), no http_inspector: nothing sniffs
    assertThat(http.getListenerFiltersList()).extracting(f -> f.getName())
        .containsExactly("envoy.filters.listener.tls_inspector");
    Listener tcp = listener(shop, "10.0.0.1_5432");
    // istiod's PERMISSIVE TCP chains but mTLS: one-way TLS passed through, then plaintext
    assertThat(tcp.getFilterChainsList()).extracting(c -> c.getFilterChainMatch().getTransportProtocol())
        .containsExactly("tls", "raw_buffer");
    assertThat(tcp.getFilterChainsList()).allSatisfy(chain ->
        assertThat(chain.getFilters(0).getName()).isEqualTo("envoy.filters.network.tcp_proxy"));
    assertThat(tcp.getListenerFiltersList()).singleElement().satisfies(f -> {
      assertThat(f.getName()).isEqualTo("envoy.filters.listener.tls_inspector");
      assertThat(f.getFilterDisabled().getNotMatch().getDestinationPortRange().getStart()).isEqualTo(5432);
    });
    Map<String, Cluster> clusters = clusters(shop);
    assertThat(clusters).containsKeys("inbound|9080||", "inbound|5432||").doesNotContainKey("InboundPassthroughCluster");
    Cluster web = clusters.get("inbound|9080||");
    assertThat(web.getType()).isEqualTo(Cluster.DiscoveryType.STATIC);
    assertThat(web.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress())
        .satisfies(a -> assertThat(a.getAddress() + ":" + a.getPortValue()).isEqualTo("127.0.0.1:8080"));
    assertThat(clusters.get("inbound|5432||").getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint()
        .getAddress().getSocketAddress().getAddress()).isEqualTo("10.0.0.1");
  }

  @Test
  void withCaptureIngressPortsReplaceTheServicePortsInVirtualInbound() {
    service("shop", "reviews", "10.96.0.12", 9080);
    registry.mesh().upsert("test", new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withName("reviews-1")
        .withNamespace("shop").withLabels(Map.of("app", "reviews")).endMetadata()
        .withNewStatus().withPodIP("10.0.0.1").endStatus().build());
    registry.sidecar("shop", "local-only", "2024-01-01T00:00:00Z", """
        ingress:
        - port: {number: 7070, protocol: HTTP, name: http}
        """);
    advance();
    Proxy reviews = MeshFixture.sidecar("shop", "10.0.0.1", Map.of("app", "reviews"), InterceptionMode.REDIRECT);

    Listener inbound = listener(reviews, "virtualInbound");
    assertThat(inbound.getFilterChainsList()).extracting(c -> c.getName())
        .containsExactly("virtualInbound-blackhole", "virtualInbound-catchall-http", "virtualInbound", "virtualInbound",
            "10.0.0.1_7070");
    // istiod names the Sidecar behind an ingress chain, and only there
    assertThat(inbound.getFilterChainsList()).filteredOn(c -> c.getName().equals("10.0.0.1_7070")).singleElement()
        .satisfies(c -> assertThat(c.getMetadata().getFilterMetadataOrThrow("istio").getFieldsOrThrow("config")
            .getStringValue()).isEqualTo("/apis/networking.istio.io/v1/namespaces/shop/sidecar/local-only"));
    assertThat(inbound.getFilterChainsList()).filteredOn(c -> !c.getName().equals("10.0.0.1_7070"))
        .allSatisfy(c -> assertThat(c.hasMetadata()).isFalse());
    Map<String, Cluster> clusters = clusters(reviews);
    assertThat(clusters).containsKeys("inbound|7070||", "InboundPassthroughCluster").doesNotContainKey("inbound|9080||");
    assertThat(clusters.get("inbound|7070||").getType()).isEqualTo(Cluster.DiscoveryType.ORIGINAL_DST);
  }

  @Test
  void anIngressClusterIsShapedLikeTheInboundClusterOfTheServiceTargetingItsPort() {
    service("shop", "reviews", "10.96.0.12", 9080);
    registry.mesh().upsert("test", new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withName("reviews-1")
        .withNamespace("shop").withLabels(Map.of("app", "reviews")).endMetadata()
        .withNewStatus().withPodIP("10.0.0.1").endStatus().build());
    registry.sidecar("shop", "local-only", "2024-01-01T00:00:00Z", """
        ingress:
        - port: {number: 9080, protocol: HTTP, name: http}
          defaultEndpoint: 127.0.0.1:8080
        - port: {number: 7070, protocol: HTTP, name: other}
          defaultEndpoint: 127.0.0.1:7071
        """);
    advance();
    Proxy reviews = MeshFixture.sidecar("shop", "10.0.0.1", Map.of("app", "reviews"), InterceptionMode.REDIRECT);

    Map<String, Cluster> clusters = clusters(reviews);
    Cluster served = clusters.get("inbound|9080||");
    // istiod applies no load balancer inbound: round robin, which the JSON leaves out
    assertThat(served.getLbPolicy()).isEqualTo(Cluster.LbPolicy.ROUND_ROBIN);
    assertThat(served.getMetadata().getFilterMetadataOrThrow("istio").getFieldsOrThrow("services").getListValue()
        .getValues(0).getStructValue().getFieldsOrThrow("host").getStringValue())
        .isEqualTo("reviews.shop.svc.cluster.local");
    // no service targets 7070: istiod's stand-in service is external, so no metadata
    assertThat(clusters.get("inbound|7070||").hasMetadata()).isFalse();
  }

  @Test
  void proxylessGrpcClientsGetTheirScopeToo() {
    registry.sidecar("shop", "web", "2024-01-01T00:00:00Z", """
        workloadSelector: {labels: {app: web}}
        egress: [{hosts: ["pay/*"]}]
        """);
    advance();
    Proxy web = grpc(Map.of("app", "web"));
    Proxy other = grpc(Map.of("app", "db"));

    assertThat(names(resources.messages(web, XdsType.CLUSTER, Set.of()))).containsExactly(BILLING,
        "outbound|9080||billing.pay.svc.cluster.local");
    // same namespace, another Sidecar: its own answer, not web's
    assertThat(names(resources.messages(other, XdsType.CLUSTER, Set.of()))).containsExactly(RATINGS, REVIEWS);
    assertThat(resources.messages(other, XdsType.LISTENER, Set.of("billing.pay.svc.cluster.local:8080"))).isEmpty();
    assertThat(resources.messages(web, XdsType.LISTENER, Set.of("billing.pay.svc.cluster.local:8080"))).hasSize(1);
  }

  private static Proxy grpc(Map<String, String> labels) {
    return new Proxy("sidecar", "10.0.0.9", "app-0.shop", "shop.svc.cluster.local", "shop", labels, List.of("10.0.0.9"),
        "Kubernetes", "1.31.0", InterceptionMode.REDIRECT, "grpc", "sidecar~10.0.0.9~app-0.shop~shop.svc.cluster.local");
  }

  private Map<String, Cluster> clusters(Proxy proxy) {
    Map<String, Cluster> byName = new java.util.LinkedHashMap<>();
    resources.messages(proxy, XdsType.CLUSTER, Set.of()).forEach(m -> byName.put(((Cluster) m).getName(), (Cluster) m));
    return byName;
  }

  private String catchAll(Proxy proxy) {
    Listener outbound = listener(proxy, "virtualOutbound");
    try {
      return tcpCluster(outbound.getFilterChains(1).getFilters(0).getTypedConfig().unpack(TcpProxy.class));
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static String tcpCluster(TcpProxy proxy) {
    return proxy.getCluster();
  }

  private Listener listener(Proxy proxy, String name) {
    return resources.messages(proxy, XdsType.LISTENER, Set.of()).stream().map(Listener.class::cast)
        .filter(l -> l.getName().equals(name)).findFirst().orElseThrow();
  }

  private static List<String> names(List<? extends Message> messages) {
    return messages.stream().map(m -> m instanceof Cluster c ? c.getName() : ((Listener) m).getName()).toList();
  }

  private void advance() {
    resources.advance(push());
  }

  private PushContext push() {
    return PushContext.create(registry, MeshSettings.defaults(), "v" + ++pushes);
  }

  private void service(String ns, String name, String ip, int... ports) {
    ServiceBuilder builder = new ServiceBuilder().withNewMetadata().withName(name).withNamespace(ns)
        .withCreationTimestamp("2024-01-01T00:00:00Z").endMetadata()
        .withNewSpec().withClusterIP(ip).withSelector(Map.of("app", name)).endSpec();
    for (int port : ports) {
      builder.editSpec().addNewPort().withName("http-" + port).withPort(port).endPort().endSpec();
    }
    registry.mesh().upsert("test", builder.build());
  }
}
