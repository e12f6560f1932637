package io.meshpilot.xds.listener;

import static io.meshpilot.xds.cluster.MeshFixture.pod;
import static io.meshpilot.xds.cluster.MeshFixture.port;
import static io.meshpilot.xds.cluster.MeshFixture.service;
import static io.meshpilot.xds.cluster.MeshFixture.sidecar;
import static io.meshpilot.xds.cluster.MeshFixture.slice;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.xds.OutboundTrafficPolicy;
import io.meshpilot.xds.cluster.MeshFixture;
import io.meshpilot.xds.conflict.GenerationConflicts;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ListenerGeneratorTest {
  private final MeshFixture mesh = new MeshFixture()
      .with(service("default", "reviews", "10.96.0.12", port("http", 9080)));
  private final Proxy client = sidecar("default", "10.244.9.9");
  private final Proxy localhostClient = sidecar("default", "10.244.9.9", Map.of(), InterceptionMode.NONE);

  private List<Listener> listeners(Proxy proxy) {
    return ListenerGenerator.generate(proxy, mesh.push());
  }

  private Listener listener(Proxy proxy, String name) {
    return listeners(proxy).stream().filter(l -> l.getName().equals(name)).findFirst().orElseThrow();
  }

  static HttpConnectionManager hcm(FilterChain chain) throws InvalidProtocolBufferException {
    return chain.getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
  }

  static TcpProxy tcpProxy(FilterChain chain) throws InvalidProtocolBufferException {
    Filter filter = chain.getFilters(chain.getFiltersCount() - 1);
    assertThat(filter.getName()).isEqualTo("envoy.filters.network.tcp_proxy");
    return filter.getTypedConfig().unpack(TcpProxy.class);
  }

  @Test
  void httpPortGetsWildcardListenerUsingThePortRoute() throws Exception {
    Listener listener = listener(client, "0.0.0.0_9080");

    assertThat(listener.getAddress().getSocketAddress().getAddress()).isEqualTo("0.0.0.0");
    assertThat(listener.getAddress().getSocketAddress().getPortValue()).isEqualTo(9080);
    assertThat(listener.getBindToPort().getValue()).isFalse();
    assertThat(listener.hasBindToPort()).isTrue();
    assertThat(listener.getListenerFiltersList()).extracting(ListenerFilter::getName)
        .containsExactly("envoy.filters.listener.http_inspector");
    FilterChain http = listener.getFilterChains(0);
    assertThat(http.getFilterChainMatch().getTransportProtocol()).isEqualTo("raw_buffer");
    assertThat(http.getFilterChainMatch().getApplicationProtocolsList()).containsExactly("http/1.1", "h2c");
    HttpConnectionManager hcm = hcm(http);
    assertThat(hcm.getStatPrefix()).isEqualTo("outbound_0.0.0.0_9080;");
    assertThat(hcm.getRds().getRouteConfigName()).isEqualTo("9080");
    assertThat(hcm.getRds().getConfigSource().hasAds()).isTrue();
    assertThat(hcm.getNormalizePath().getValue()).isTrue();
    assertThat(hcm.getHttpFiltersList()).extracting(f -> f.getName()).containsExactly("envoy.filters.http.grpc_stats",
        "envoy.filters.http.fault", "envoy.filters.http.cors", "envoy.filters.http.router");
    assertThat(hcm.getUpgradeConfigs(0).getUpgradeType()).isEqualTo("websocket");
    assertThat(hcm.getTracing().getRandomSampling().getValue()).isEqualTo(1.0);
    assertThat(hcm.getRequestIdExtension().getTypedConfig().getTypeUrl()).endsWith("UuidRequestIdConfig");
    assertThat(listener.getAdditionalAddressesList()).as("IPv4-only proxy").isEmpty();
    assertThat(http.getTransportSocketConnectTimeout()).isEqualTo(Durations.fromSeconds(15));
    assertThat(listener.getDefaultFilterChain().getName()).isEqualTo("PassthroughFilterChain");
    // istiod's fallback: an explicit empty match, no handshake bound
    assertThat(listener.getDefaultFilterChain().hasFilterChainMatch()).isTrue();
    assertThat(listener.getDefaultFilterChain().getFilterChainMatch()).isEqualTo(FilterChainMatch.getDefaultInstance());
    assertThat(listener.getDefaultFilterChain().hasTransportSocketConnectTimeout()).isFalse();
    assertThat(tcpProxy(listener.getDefaultFilterChain()).getCluster()).isEqualTo("PassthroughCluster");
  }

  @Test
  void registryOnlySendsUnknownTrafficToTheBlackHole() throws Exception {
    List<Listener> listeners = ListenerGenerator.generate(client, mesh.push(OutboundTrafficPolicy.REGISTRY_ONLY));
    Listener http = listeners.stream().filter(l -> l.getName().equals("0.0.0.0_9080")).findFirst().orElseThrow();
    Listener virtual = listeners.stream().filter(l -> l.getName().equals("virtualOutbound")).findFirst().orElseThrow();

    assertThat(tcpProxy(http.getDefaultFilterChain()).getCluster()).isEqualTo("BlackHoleCluster");
    assertThat(tcpProxy(virtual.getFilterChains(1)).getCluster()).isEqualTo("BlackHoleCluster");
  }

  @Test
  void virtualOutboundCatchesWhatNoListenerTakes() throws Exception {
    Listener virtual = listener(client, "virtualOutbound");

    assertThat(virtual.getAddress().getSocketAddress().getPortValue()).isEqualTo(15001);
    assertThat(virtual.getUseOriginalDst().getValue()).isTrue();
    assertThat(virtual.getFilterChainsList()).extracting(FilterChain::getName)
        .containsExactly("virtualOutbound-blackhole", "virtualOutbound-catchall-tcp");
    assertThat(virtual.getFilterChains(0).getFilterChainMatch().getDestinationPort().getValue()).isEqualTo(15001);
    assertThat(tcpProxy(virtual.getFilterChains(0)).getCluster()).isEqualTo("BlackHoleCluster");
    assertThat(tcpProxy(virtual.getFilterChains(1)).getCluster()).isEqualTo("PassthroughCluster");
  }

  @Test
  void tcpPortGetsAListenerOnItsVip() throws Exception {
    mesh.with(service("db", "mysql", "10.96.3.3", port("tcp", 3306)));

    Listener listener = listener(client, "10.96.3.3_3306");

    assertThat(listener.getAddress().getSocketAddress().getAddress()).isEqualTo("10.96.3.3");
    assertThat(listener.getListenerFiltersList()).isEmpty();
    assertThat(listener.getFilterChainsList()).singleElement()
        .satisfies(c -> assertThat(c.getTransportSocketConnectTimeout()).isEqualTo(Durations.fromSeconds(15)));
    assertThat(listener.hasDefaultFilterChain()).isFalse();
    TcpProxy tcp = tcpProxy(listener.getFilterChains(0));
    assertThat(tcp.getCluster()).isEqualTo("outbound|3306||mysql.db.svc.cluster.local");
    assertThat(tcp.getStatPrefix()).isEqualTo("outbound|3306||mysql.db.svc.cluster.local");
  }

  @Test
  void sniffedPortGetsAVipListenerWithItsOwnRouteAndATcpDefault() throws Exception {
    mesh.with(service("default", "web", "10.96.0.20", port("", 8080)));

    Listener listener = listener(client, "10.96.0.20_8080");

    assertThat(listener.getListenerFiltersList()).extracting(ListenerFilter::getName)
        .containsExactly("envoy.filters.listener.http_inspector");
    assertThat(hcm(listener.getFilterChains(0)).getRds().getRouteConfigName())
        .isEqualTo("web.default.svc.cluster.local:8080");
    assertThat(tcpProxy(listener.getDefaultFilterChain()).getCluster())
        .isEqualTo("outbound|8080||web.default.svc.cluster.local");
    // the service's own TCP chain as default: bounded handshake, no match
    assertThat(listener.getDefaultFilterChain().getTransportSocketConnectTimeout()).isEqualTo(Durations.fromSeconds(15));
    assertThat(listener.getDefaultFilterChain().hasFilterChainMatch()).isFalse();
  }

  @Test
  void reservedAndUdpPortsGetNoListener() {
    mesh.with(service("default", "odd", "10.96.0.30", port("http", 15021), port("tcp", 15001),
        MeshFixture.udpPort("dns", 53)));

    assertThat(listeners(client)).extracting(Listener::getName)
        .containsExactly("0.0.0.0_9080", "virtualOutbound", "virtualInbound");
  }

  @Test
  void headlessTcpPortGetsAListenerPerEndpointExceptTheProxyItself() throws Exception {
    mesh.with(service("default", "db", "None", port("tcp", 5432)),
        pod("default", "db-0", "10.244.0.10", "db"), pod("default", "db-1", "10.244.0.11", "db"),
        pod("default", "client", "10.244.9.9", "db"),
        slice("default", "db", "tcp", 5432,
            Map.of("10.244.0.10", "db-0", "10.244.0.11", "db-1", "10.244.9.9", "client")));

    assertThat(listeners(client)).extracting(Listener::getName)
        .contains("10.244.0.10_5432", "10.244.0.11_5432").doesNotContain("10.244.9.9_5432", "0.0.0.0_5432");
    assertThat(tcpProxy(listener(client, "10.244.0.10_5432").getFilterChains(0)).getCluster())
        .isEqualTo("outbound|5432||db.default.svc.cluster.local");
  }

  @Test
  void firstTcpServiceWinsASharedWildcardPort() throws Exception {
    mesh.with(staticEntry("b-ext", "b.example.com"), staticEntry("a-ext", "a.example.com"));

    Listener listener = listener(client, "0.0.0.0_7000");

    assertThat(listener.getFilterChainsList()).hasSize(1);
    assertThat(tcpProxy(listener.getFilterChains(0)).getCluster()).isEqualTo("outbound|7000||a.example.com");
  }

  private static GenericKubernetesResource staticEntry(String name, String host) {
    return MeshFixture.serviceEntry("default", name, Map.of("hosts", List.of(host), "resolution", "STATIC",
        "endpoints", List.of(Map.of("address", "192.0.2.1")),
        "ports", List.of(Map.of("number", 7000, "name", "tcp", "protocol", "TCP"))));
  }

  @Test
  void tlsServicesWithoutVipAreToldApartBySni() throws Exception {
    mesh.with(dnsEntry("ext-b", "b.example.com"), dnsEntry("ext-a", "a.example.com"));

    Listener listener = listener(client, "0.0.0.0_443");

    assertThat(listener.getListenerFiltersList()).extracting(ListenerFilter::getName)
        .containsExactly("envoy.filters.listener.tls_inspector");
    assertThat(listener.getFilterChainsList()).extracting(c -> List.copyOf(c.getFilterChainMatch().getServerNamesList()))
        .containsExactly(List.of("a.example.com"), List.of("b.example.com"));
    assertThat(tcpProxy(listener.getFilterChains(0)).getCluster()).isEqualTo("outbound|443||a.example.com");
    assertThat(tcpProxy(listener.getDefaultFilterChain()).getCluster()).isEqualTo("PassthroughCluster");
  }

  private static GenericKubernetesResource dnsEntry(String name, String host) {
    return MeshFixture.serviceEntry("default", name, Map.of("hosts", List.of(host), "resolution", "DNS",
        "location", "MESH_EXTERNAL", "ports", List.of(Map.of("number", 443, "name", "tls", "protocol", "TLS"))));
  }

  @Test
  void noneInterceptionBindsLocalhostForRealWithoutVirtualListeners() throws Exception {
    mesh.with(service("default", "details", "10.96.0.13", port("http", 9080)),
        service("db", "mysql", "10.96.3.3", port("tcp", 3306)));

    List<Listener> listeners = listeners(localhostClient);

    assertThat(listeners).extracting(Listener::getName).containsExactly("127.0.0.1_3306", "127.0.0.1_9080");
    Listener http = listeners.get(1);
    assertThat(http.getAddress().getSocketAddress().getAddress()).isEqualTo("127.0.0.1");
    assertThat(http.hasBindToPort()).isFalse(); // Envoy's default: bind for real
    assertThat(http.getListenerFiltersList()).isEmpty();
    assertThat(http.getFilterChainsList()).hasSize(1);
    assertThat(http.getFilterChains(0).hasFilterChainMatch()).isFalse();
    assertThat(http.hasDefaultFilterChain()).isFalse();
    assertThat(hcm(http.getFilterChains(0)).getRds().getRouteConfigName()).isEqualTo("9080");
    assertThat(tcpProxy(listeners.get(0).getFilterChains(0)).getCluster())
        .isEqualTo("outbound|3306||mysql.db.svc.cluster.local");
  }

  @Test
  void noneInterceptionSharesOnePortBetweenSniffedAndHttpServicesThroughThePortRoute() throws Exception {
    mesh.with(service("default", "aaa", "10.96.0.40", port("", 9080)));

    Listener listener = listener(localhostClient, "127.0.0.1_9080");

    // "aaa" sorts first and alone would get route "aaa...:9080" matching any host, hiding reviews
    assertThat(hcm(listener.getFilterChains(0)).getRds().getRouteConfigName()).isEqualTo("9080");
    assertThat(listener.getListenerFiltersList()).extracting(ListenerFilter::getName)
        .containsExactly("envoy.filters.listener.http_inspector");
    assertThat(tcpProxy(listener.getDefaultFilterChain()).getCluster())
        .isEqualTo("outbound|9080||aaa.default.svc.cluster.local");
  }

  @Test
  void virtualInboundHasAChainPerWorkloadPort() throws Exception {
    mesh.with(service("default", "reviews", "10.96.0.12", port("http", 9080, 9081), port("tcp", 9090),
            port("", 9100)),
        pod("default", "reviews-1", "10.244.0.5", "reviews"),
        slice("default", "reviews", "http", 9081, Map.of("10.244.0.5", "reviews-1")));
    Proxy reviewsPod = sidecar("default", "10.244.0.5", Map.of("app", "reviews"), InterceptionMode.REDIRECT);

    Listener inbound = listener(reviewsPod, "virtualInbound");

    assertThat(inbound.getAddress().getSocketAddress().getPortValue()).isEqualTo(15006);
    assertThat(inbound.getListenerFiltersList()).extracting(ListenerFilter::getName).containsExactly(
        "envoy.filters.listener.original_dst", "envoy.filters.listener.tls_inspector",
        "envoy.filters.listener.http_inspector");
    // istiod's PERMISSIVE chains without the mTLS ones: passthrough (HTTP, TCP, TLS), then per port
    assertThat(inbound.getFilterChainsList()).extracting(FilterChain::getName).containsExactly(
        "virtualInbound-blackhole", "virtualInbound-catchall-http", "virtualInbound", "virtualInbound",
        "0.0.0.0_9081", "0.0.0.0_9090", "0.0.0.0_9090", "0.0.0.0_9100", "0.0.0.0_9100", "0.0.0.0_9100");
    assertThat(inbound.getFilterChainsList()).extracting(c -> c.getFilterChainMatch().getTransportProtocol())
        .containsExactly("", "raw_buffer", "raw_buffer", "tls", "raw_buffer", "tls", "raw_buffer", "raw_buffer",
            "raw_buffer", "tls");
    assertThat(hcm(inbound.getFilterChains(1)).getRouteConfig().getVirtualHosts(0).getRoutes(0).getRoute().getCluster())
        .isEqualTo("InboundPassthroughCluster");
    assertThat(tcpProxy(inbound.getFilterChains(2)).getCluster()).isEqualTo("InboundPassthroughCluster");
    assertThat(tcpProxy(inbound.getFilterChains(3)).getCluster()).isEqualTo("InboundPassthroughCluster");
    HttpConnectionManager http = hcm(inbound.getFilterChains(4));
    assertThat(inbound.getFilterChains(4).getFilterChainMatch().getDestinationPort().getValue()).isEqualTo(9081);
    assertThat(http.getStatPrefix()).isEqualTo("inbound_0.0.0.0_9081;");
    assertThat(http.getRouteConfig().getName()).isEqualTo("inbound|9081||");
    assertThat(http.getRouteConfig().getVirtualHosts(0).getName()).isEqualTo("inbound|http|9080");
    assertThat(http.getRouteConfig().getVirtualHosts(0).getRoutes(0).getRoute().getCluster())
        .isEqualTo("inbound|9081||");
    assertThat(tcpProxy(inbound.getFilterChains(5)).getCluster()).isEqualTo("inbound|9090||");
    assertThat(tcpProxy(inbound.getFilterChains(6)).getCluster()).isEqualTo("inbound|9090||");
    assertThat(inbound.getFilterChains(7).getFilterChainMatch().getApplicationProtocolsList())
        .containsExactly("http/1.1", "h2c");
    assertThat(tcpProxy(inbound.getFilterChains(8)).getCluster()).isEqualTo("inbound|9100||");
    assertThat(tcpProxy(inbound.getFilterChains(9)).getCluster()).isEqualTo("inbound|9100||");
  }

  private static GenericKubernetesResource tcpEntry(String name, String host,
      String address) {
    return MeshFixture.serviceEntry("default", name, Map.of("hosts", List.of(host),
        "addresses", List.of(address), "resolution", "STATIC", "location", "MESH_EXTERNAL",
        "endpoints", List.of(Map.of("address", "1.2.3.4")),
        "ports", List.of(Map.of("number", 5432, "name", "tcp", "protocol", "TCP"))));
  }

  @BeforeEach
  @AfterEach
  void forgetConflicts() { // the sink is process-wide: other tests' conflicts must not leak in or out
    GenerationConflicts.shared().clear();
  }

  @Test
  void oneAddressSpelledTwoWaysIsOneListenerAndItsSecondTcpServiceIsReported() throws Exception {
    mesh.with(tcpEntry("db-a", "db-a.example.com", "FD00::A"), tcpEntry("db-b", "db-b.example.com", "fd00:0::a"));

    List<Listener> all = listeners(client);

    assertThat(all).extracting(Listener::getName).doesNotHaveDuplicates().contains("fd00::a_5432")
        .doesNotContain("FD00::A_5432", "fd00:0::a_5432");
    assertThat(all.stream().map(l -> l.getAddress().getSocketAddress().getAddress() + ":"
        + l.getAddress().getSocketAddress().getPortValue())).doesNotHaveDuplicates();
    Listener db = listener(client, "fd00::a_5432");
    assertThat(tcpProxy(db.getFilterChains(0)).getCluster()).isEqualTo("outbound|5432||db-a.example.com");
    assertThat(GenerationConflicts.shared().rejections()).singleElement().satisfies(r -> {
      assertThat(r.object()).isEqualTo(new ObjectKey("ServiceEntry", "default", "db-b"));
      assertThat(r.reason()).isEqualTo("listener fd00::a_5432: TCP traffic already goes to"
          + " outbound|5432||db-a.example.com of ServiceEntry default/db-a (db-a.example.com);"
          + " outbound|5432||db-b.example.com gets none of it");
    });
  }

  @Test
  void tlsHostsDifferingOnlyInCaseShareOneServerNameChain() throws Exception {
    for (String[] entry : new String[][] {{"api-upper", "Api.example.com"}, {"api-lower", "api.example.com"}}) {
      mesh.with(MeshFixture.serviceEntry("default", entry[0], Map.of("hosts",
          List.of(entry[1]), "resolution", "DNS", "location", "MESH_EXTERNAL",
          "ports", List.of(Map.of("number", 443, "name", "tls", "protocol", "TLS")))));
    }

    Listener tls = listener(client, "0.0.0.0_443");

    assertThat(tls.getFilterChainsList()).filteredOn(c -> c.getFilterChainMatch().getServerNamesCount() > 0)
        .singleElement().satisfies(c -> assertThat(tcpProxy(c).getCluster()).isEqualTo("outbound|443||Api.example.com"));
    assertThat(GenerationConflicts.shared().rejections()).singleElement()
        .satisfies(r -> assertThat(r.reason()).isEqualTo("listener 0.0.0.0_443: TCP traffic matching SNI api.example.com"
            + " already goes to outbound|443||Api.example.com of ServiceEntry default/api-upper (Api.example.com);"
            + " outbound|443||api.example.com gets none of it"));
  }
}
