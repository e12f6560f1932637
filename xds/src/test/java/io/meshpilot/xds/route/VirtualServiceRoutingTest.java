package io.meshpilot.xds.route;

import static io.meshpilot.xds.cluster.MeshFixture.port;
import static io.meshpilot.xds.cluster.MeshFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.meshpilot.registry.networking.VirtualService.HttpRetry;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.cache.XdsCache;
import io.meshpilot.xds.cluster.MeshFixture;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.traffic.TrafficRegistry;
import io.meshpilot.xds.traffic.TrafficYaml;
import io.meshpilot.xds.view.ProxyScope;
import io.meshpilot.xds.view.PushContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which VirtualService routes a sidecar gets, and what a VirtualService change rebuilds. */
class VirtualServiceRoutingTest {
  private static final String REVIEWS = "reviews.default.svc.cluster.local";
  private static final String RATINGS = "ratings.default.svc.cluster.local";
  private final MeshFixture mesh = new MeshFixture().with(
      service("default", "reviews", "10.96.0.12", port("http", 9080)),
      service("default", "ratings", "10.96.0.13", port("http", 9080)),
      service("other", "mongo", "10.96.0.20", port("tcp", 27017)));
  private final TrafficRegistry registry = new TrafficRegistry(mesh.registry());
  private final XdsCache cache = new XdsCache(1000);
  private final Proxy productpage = sidecar("default", Map.of("app", "productpage"));

  private static Proxy sidecar(String ns, Map<String, String> labels) {
    return MeshFixture.sidecar(ns, "10.244.0.9", labels, InterceptionMode.REDIRECT);
  }

  private PushContext push(String yaml) {
    registry.set(TrafficYaml.virtualServices(yaml));
    return PushContext.create(registry, MeshSettings.defaults(), "v1", cache);
  }

  private static VirtualHost vhost(RouteConfiguration config, String name) {
    return config.getVirtualHostsList().stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
  }

  private static final String BY_SOURCE = """
      kind: VirtualService
      metadata: {name: reviews, namespace: default}
      spec:
        hosts: [reviews]
        http:
        - match:
          - sourceLabels: {app: productpage}
          route:
          - destination: {host: ratings}
        - match:
          - sourceNamespace: team
          route:
          - destination: {host: ratings}
        - route:
          - destination: {host: reviews}
      """;

  @Test
  void routesWithoutTheirOwnRetriesTakeTheMeshDefault() {
    String yaml = """
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - match:
            - uri: {prefix: /own}
            retries: {attempts: 1}
            route:
            - destination: {host: reviews}
          - route:
            - destination: {host: reviews}
        """;
    PushContext istioDefault = push(yaml);
    registry.set(TrafficYaml.virtualServices(yaml));
    PushContext meshDefault = PushContext.create(registry, MeshSettings.defaults().withDefaultHttpRetryPolicy(
        Optional.of(new HttpRetry(7, null, "gateway-error", null, null, null))), "v2", cache);

    List<Route> routes = vhost(RouteGenerator.generate("9080", productpage, meshDefault), REVIEWS + ":9080")
        .getRoutesList();
    assertThat(routes.get(0).getRoute().getRetryPolicy().getNumRetries().getValue()).isEqualTo(1);
    assertThat(routes.get(1).getRoute().getRetryPolicy().getNumRetries().getValue()).isEqualTo(7);
    assertThat(routes.get(1).getRoute().getRetryPolicy().getRetryOn()).isEqualTo("gateway-error");
    // the cache shared by both pushes keeps each push's routes apart
    assertThat(vhost(RouteGenerator.generate("9080", productpage, istioDefault), REVIEWS + ":9080").getRoutes(1)
        .getRoute().getRetryPolicy().getNumRetries().getValue()).isEqualTo(2);
  }

  @Test
  void sourceLabelsAndNamespaceDecideWhichRoutesAProxyGets() {
    PushContext push = push(BY_SOURCE);

    List<Route> forProductpage = vhost(RouteGenerator.generate("9080", productpage, push), REVIEWS + ":9080")
        .getRoutesList();
    List<Route> forOther = vhost(RouteGenerator.generate("9080", sidecar("default", Map.of("app", "x")), push),
        REVIEWS + ":9080").getRoutesList();
    List<Route> forTeam = vhost(RouteGenerator.generate("9080", sidecar("team", Map.of()), push),
        REVIEWS + ":9080").getRoutesList();

    // the first matching route is a catch-all for productpage: nothing after it is sent
    assertThat(forProductpage).extracting(r -> r.getRoute().getCluster()).containsExactly("outbound|9080||" + RATINGS);
    assertThat(forOther).extracting(r -> r.getRoute().getCluster()).containsExactly("outbound|9080||" + REVIEWS);
    assertThat(forTeam).extracting(r -> r.getRoute().getCluster()).containsExactly("outbound|9080||" + RATINGS);
  }

  @Test
  void proxiesShareAScopeUnlessTheirLabelsSatisfyDifferentSourceSelectors() {
    PushContext push = push(BY_SOURCE);
    ProxyScope a = ProxyScope.of(productpage, push);
    ProxyScope b = ProxyScope.of(sidecar("default", Map.of("app", "productpage", "version", "v2")), push);
    ProxyScope c = ProxyScope.of(sidecar("default", Map.of("app", "x")), push);

    assertThat(a).isEqualTo(b);
    assertThat(a).isNotEqualTo(c);
    assertThat(ProxyScope.of(productpage, push("")).routeSelectors()).isEmpty();
  }

  @Test
  void sniffedServiceRouteCarriesTheVirtualServiceRoutes() {
    PushContext push = push("""
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination: {host: ratings}
        """);

    RouteConfiguration config = RouteGenerator.generate(REVIEWS + ":9080", productpage, push);

    assertThat(config.getVirtualHostsList()).singleElement().satisfies(vh -> {
      assertThat(vh.getDomainsList()).containsExactly("*");
      assertThat(vh.getRoutes(0).getRoute().getCluster()).isEqualTo("outbound|9080||" + RATINGS);
    });
  }

  @Test
  void wildcardHostGoesToTheMostSpecificVirtualService() {
    PushContext push = push("""
        kind: VirtualService
        metadata: {name: everything, namespace: default, creationTimestamp: "2026-01-01T00:00:00Z"}
        spec:
          hosts: ["*"]
          http:
          - route:
            - destination: {host: reviews}
        ---
        kind: VirtualService
        metadata: {name: default-ns, namespace: default, creationTimestamp: "2026-01-02T00:00:00Z"}
        spec:
          hosts: ["*.default.svc.cluster.local"]
          http:
          - route:
            - destination: {host: ratings}
        """);

    RouteConfiguration config = RouteGenerator.generate("9080", productpage, push);

    assertThat(vhost(config, REVIEWS + ":9080").getRoutes(0).getMetadata().toString()).contains("default-ns");
    assertThat(vhost(config, RATINGS + ":9080").getRoutes(0).getMetadata().toString()).contains("default-ns");
  }

  @Test
  void aVirtualServiceChangeRebuildsOnlyTheVirtualHostsItRoutes() {
    String ratings = """
        kind: VirtualService
        metadata: {name: ratings, namespace: default}
        spec:
          hosts: [ratings]
          http:
          - timeout: 1s
            route:
            - destination: {host: ratings}
        ---
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - timeout: %s
            route:
            - destination: {host: reviews}
        """;
    RouteConfiguration before = RouteGenerator.generate("9080", productpage, push(ratings.formatted("2s")));
    RouteConfiguration after = RouteGenerator.generate("9080", productpage, push(ratings.formatted("3s")));

    assertThat(vhost(after, RATINGS + ":9080")).isSameAs(vhost(before, RATINGS + ":9080"));
    assertThat(vhost(after, REVIEWS + ":9080")).isNotSameAs(vhost(before, REVIEWS + ":9080"));
    assertThat(vhost(after, REVIEWS + ":9080").getRoutes(0).getRoute().getTimeout().getSeconds()).isEqualTo(3);
  }

  @Test
  void port80KeepsVirtualServiceHostsOutsideTheRegistry() {
    mesh.with(service("default", "web", "10.96.0.30", port("http", 80)));
    PushContext push = push("""
        kind: VirtualService
        metadata: {name: external, namespace: default}
        spec:
          hosts: [api.example.com]
          http:
          - route:
            - destination: {host: web}
        """);

    RouteConfiguration config = RouteGenerator.generate("80", productpage, push);

    assertThat(vhost(config, "api.example.com:80").getDomainsList()).containsExactly("api.example.com");
    assertThat(vhost(config, "api.example.com:80").getRoutes(0).getRoute().getCluster())
        .isEqualTo("outbound|80||web.default.svc.cluster.local");
    assertThat(RouteGenerator.generate("9080", productpage, push).getVirtualHostsList())
        .extracting(VirtualHost::getName).doesNotContain("api.example.com:9080");
  }
}
