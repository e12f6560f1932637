package io.meshpilot.xds.why;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HostnameResourcesTest {
  private static final String REVIEWS = "reviews.default.svc.cluster.local";
  private static final String DB = "db.default.svc.cluster.local";

  private static Listener listener(String name, Any config, boolean asDefaultChain) {
    FilterChain chain = FilterChain.newBuilder()
        .addFilters(Filter.newBuilder().setName("f").setTypedConfig(config)).build();
    Listener.Builder listener = Listener.newBuilder().setName(name);
    return (asDefaultChain ? listener.setDefaultFilterChain(chain) : listener.addFilterChains(chain)).build();
  }

  private static Any rds(String route) {
    return Any.pack(HttpConnectionManager.newBuilder().setRds(Rds.newBuilder().setRouteConfigName(route)).build());
  }

  private static Any tcp(String cluster) {
    return Any.pack(TcpProxy.newBuilder().setStatPrefix(cluster).setCluster(cluster).build());
  }

  @Test
  void clusterNamesOfTheHostnameAreItsOutboundClustersOnly() {
    assertThat(HostnameResources.isClusterOf("outbound|9080||" + REVIEWS, REVIEWS)).isTrue();
    assertThat(HostnameResources.isClusterOf("outbound|9080|v1|" + REVIEWS, REVIEWS)).isTrue();
    assertThat(HostnameResources.isClusterOf("outbound|9080||ratings.default.svc.cluster.local", REVIEWS)).isFalse();
    assertThat(HostnameResources.isClusterOf("inbound|9080||", REVIEWS)).isFalse();
    assertThat(HostnameResources.isClusterOf("PassthroughCluster", REVIEWS)).isFalse();
  }

  @Test
  void aRouteMentionsTheHostnameByDomainOrByTheClusterItRoutesTo() {
    RouteConfiguration byDomain = RouteConfiguration.newBuilder().setName("9080")
        .addVirtualHosts(VirtualHost.newBuilder().setName(REVIEWS + ":9080").addDomains(REVIEWS + ":9080")).build();
    RouteConfiguration byCluster = RouteConfiguration.newBuilder().setName("80")
        .addVirtualHosts(VirtualHost.newBuilder().setName("alias").addDomains("alias.example")
            .addRoutes(Route.newBuilder().setRoute(RouteAction.newBuilder().setCluster("outbound|9080||" + REVIEWS))))
        .build();

    assertThat(HostnameResources.mentions(byDomain, REVIEWS)).isTrue();
    assertThat(HostnameResources.mentions(byCluster, REVIEWS)).isTrue();
    assertThat(HostnameResources.mentions(byDomain, "reviews.default.svc")).isFalse();
  }

  @Test
  void aListenerLeadsToTheHostnameThroughItsRoutesOrATcpProxy() {
    assertThat(HostnameResources.leadsTo(listener("0.0.0.0_9080", rds("9080"), false), REVIEWS, Set.of("9080"))).isTrue();
    assertThat(HostnameResources.leadsTo(listener("0.0.0.0_9080", rds("9080"), false), REVIEWS, Set.of())).isFalse();
    assertThat(HostnameResources.leadsTo(listener("10.96.0.5_3306", tcp("outbound|3306||" + DB), true), DB, Set.of()))
        .isTrue();
    assertThat(HostnameResources.leadsTo(listener("10.96.0.5_3306", tcp("outbound|3306||" + DB), true), REVIEWS,
        Set.of("9080"))).isFalse();
  }
}
