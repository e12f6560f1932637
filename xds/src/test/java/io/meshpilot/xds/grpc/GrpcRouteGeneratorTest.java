package io.meshpilot.xds.grpc;

import static io.meshpilot.xds.cluster.MeshFixture.port;
import static io.meshpilot.xds.cluster.MeshFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.meshpilot.xds.cluster.MeshFixture;
import io.meshpilot.xds.proxy.Proxy;
import org.junit.jupiter.api.Test;

class GrpcRouteGeneratorTest {
  private static final String REVIEWS = "reviews.default.svc.cluster.local";
  private static final String ROUTE = "outbound|9080||" + REVIEWS;
  private final MeshFixture mesh = new MeshFixture()
      .with(service("default", "reviews", "10.96.0.12", port("grpc", 9080)),
          service("default", "details", "10.96.0.13", port("grpc", 9080)));

  private RouteConfiguration route(String name, Proxy proxy) {
    return GrpcRouteGenerator.generate(name, proxy, mesh.push());
  }

  @Test
  void routeHasTheServicesOneVirtualHostWithPortTwinsAndNoCatchAll() {
    RouteConfiguration config = route(ROUTE, GrpcProxies.client("default", "10.244.9.9"));

    assertThat(config.getName()).isEqualTo(ROUTE);
    assertThat(config.getIgnorePortInHostMatching()).isFalse();
    assertThat(config.getVirtualHostsList()).singleElement().satisfies(vhost -> {
      assertThat(vhost.getName()).isEqualTo(REVIEWS + ":9080");
      // istio-xds.md §2.4's gRPC row, without the absolute FQDN grpc-java takes for an invalid pattern
      assertThat(vhost.getDomainsList()).containsExactly(REVIEWS, REVIEWS + ":9080", "reviews", "reviews:9080",
          "reviews.default.svc", "reviews.default.svc:9080", "reviews.default", "reviews.default:9080",
          "10.96.0.12", "10.96.0.12:9080");
      assertThat(vhost.getRoutesList()).singleElement().satisfies(route -> {
        assertThat(route.getMatch().getPrefix()).isEqualTo("/");
        assertThat(route.getRoute().getCluster()).isEqualTo(ROUTE);
      });
    });
  }

  @Test
  void noDomainEndsWithADot() {
    assertThat(route(ROUTE, GrpcProxies.client("default", "10.244.9.9")).getVirtualHostsList())
        .flatMap(VirtualHost::getDomainsList).noneMatch(d -> d.endsWith("."));
  }

  @Test
  void otherNamespaceClientGetsNoBareShortName() {
    assertThat(route(ROUTE, GrpcProxies.client("bookinfo-other", "10.244.9.8")).getVirtualHosts(0).getDomainsList())
        .containsExactly(REVIEWS, REVIEWS + ":9080", "reviews.default", "reviews.default:9080",
            "reviews.default.svc", "reviews.default.svc:9080", "10.96.0.12", "10.96.0.12:9080");
  }

  @Test
  void unknownRouteNameGetsAnEmptyConfigurationOfThatName() {
    for (String name : new String[] {"outbound|9080||ratings.default.svc.cluster.local", "9080", REVIEWS + ":9080"}) {
      assertThat(route(name, GrpcProxies.client("default", "10.244.9.9")))
          .isEqualTo(RouteConfiguration.newBuilder().setName(name).build());
    }
  }
}
