package io.meshpilot.xds.listener;

import static io.meshpilot.xds.cluster.MeshFixture.port;
import static io.meshpilot.xds.cluster.MeshFixture.service;
import static io.meshpilot.xds.cluster.MeshFixture.sidecar;
import static io.meshpilot.xds.listener.ListenerGeneratorTest.tcpProxy;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.cluster.MeshFixture;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.traffic.TrafficRegistry;
import io.meshpilot.xds.traffic.TrafficYaml;
import io.meshpilot.xds.view.PushContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** VirtualService {@code tcp} and {@code tls} routes on outbound listeners, as istiod builds the chains. */
class TcpRoutesTest {
  private final MeshFixture mesh = new MeshFixture().with(
      service("default", "mysql", "10.96.0.30", port("tcp", 3306)),
      service("default", "mysql-b", "10.96.0.31", port("tcp", 3306)),
      MeshFixture.serviceEntry("default", "api", Map.of("hosts", List.of("api.example.com"), "resolution", "DNS",
          "ports", List.of(Map.of("number", 443, "name", "tls", "protocol", "TLS")))));
  private final TrafficRegistry registry = new TrafficRegistry(mesh.registry());
  private final Proxy client = sidecar("default", "10.244.9.9");

  private Listener listener(String yaml, String name) {
    registry.set(TrafficYaml.virtualServices(yaml));
    return ListenerGenerator.generate(client, PushContext.create(registry, MeshSettings.defaults(), "v1")).stream()
        .filter(l -> l.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void weightedTcpRouteSplitsTheServiceChain() throws Exception {
    Listener listener = listener("""
        kind: VirtualService
        metadata: {name: mysql-split, namespace: default}
        spec:
          hosts: [mysql]
          tcp:
          - match:
            - sourceLabels: {app: nobody}
            route:
            - destination: {host: mysql-b}
          - route:
            - destination: {host: mysql}
              weight: 75
            - destination: {host: mysql-b}
              weight: 25
            - destination: {host: nowhere}
              weight: 0
        """, "10.96.0.30_3306");

    assertThat(listener.getFilterChainsList()).singleElement().satisfies(chain -> {
      TcpProxy proxy = tcpProxy(chain);
      assertThat(proxy.getStatPrefix()).isEqualTo("mysql-split.default");
      assertThat(proxy.getWeightedClusters().getClustersList()).extracting(c -> c.getName() + "=" + c.getWeight())
          .containsExactly("outbound|3306||mysql.default.svc.cluster.local=75",
              "outbound|3306||mysql-b.default.svc.cluster.local=25");
      assertThat(chain.getMetadata().getFilterMetadataOrThrow("istio").getFieldsOrThrow("config").getStringValue())
          .isEqualTo("/apis/networking.istio.io/v1/namespaces/default/virtual-service/mysql-split");
    });
  }

  @Test
  void tcpRouteToOneDestinationUsesItsClusterAsStatPrefix() throws Exception {
    Listener listener = listener("""
        kind: VirtualService
        metadata: {name: mysql, namespace: default}
        spec:
          hosts: [mysql.default.svc.cluster.local]
          tcp:
          - route:
            - destination: {host: mysql-b}
        """, "10.96.0.30_3306");

    TcpProxy proxy = tcpProxy(listener.getFilterChains(0));
    assertThat(proxy.getCluster()).isEqualTo("outbound|3306||mysql-b.default.svc.cluster.local");
    assertThat(proxy.getStatPrefix()).isEqualTo(proxy.getCluster());
  }

  @Test
  void tlsRoutesBecomeSniChainsAndTheServiceChainStaysWithout() throws Exception {
    Listener without = listener("", "0.0.0.0_443");
    Listener with = listener("""
        kind: VirtualService
        metadata: {name: api, namespace: default}
        spec:
          hosts: [api.example.com]
          tls:
          - match:
            - sniHosts: [api.example.com]
            route:
            - destination: {host: mysql, port: {number: 3306}}
          - match:
            - sniHosts: [api.example.com]
            route:
            - destination: {host: mysql-b, port: {number: 3306}}
        """, "0.0.0.0_443");

    assertThat(tcpProxy(without.getFilterChains(0)).getCluster()).isEqualTo("outbound|443||api.example.com");
    assertThat(with.getListenerFiltersList()).extracting(ListenerFilter::getName)
        .contains("envoy.filters.listener.tls_inspector");
    // the second match has the same SNI: it is never reached, so it gets no chain
    assertThat(with.getFilterChainsList()).singleElement().satisfies(chain -> {
      assertThat(chain.getFilterChainMatch().getServerNamesList()).containsExactly("api.example.com");
      assertThat(tcpProxy(chain).getCluster()).isEqualTo("outbound|3306||mysql.default.svc.cluster.local");
    });
    assertThat(with.getDefaultFilterChain().getName()).isEqualTo("PassthroughFilterChain");
  }

  @Test
  void destinationSubnetMatchesGetTheirOwnChainBesideTheServiceChain() throws Exception {
    Listener listener = listener("""
        kind: VirtualService
        metadata: {name: mysql, namespace: default}
        spec:
          hosts: [mysql]
          tcp:
          - match:
            - destinationSubnets: [10.10.0.0/16]
            route:
            - destination: {host: mysql-b}
        """, "10.96.0.30_3306");

    List<FilterChain> chains = listener.getFilterChainsList();
    assertThat(chains).singleElement().satisfies(chain -> {
      assertThat(chain.getFilterChainMatch().getPrefixRanges(0).getAddressPrefix()).isEqualTo("10.10.0.0");
      assertThat(tcpProxy(chain).getCluster()).isEqualTo("outbound|3306||mysql-b.default.svc.cluster.local");
    });
    assertThat(tcpProxy(listener.getDefaultFilterChain()).getCluster())
        .isEqualTo("outbound|3306||mysql.default.svc.cluster.local");
  }
}
