package io.meshpilot.xds;

import static io.meshpilot.xds.cluster.MeshFixture.port;
import static io.meshpilot.xds.cluster.MeshFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.meshpilot.xds.cluster.MeshFixture;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.server.XdsType;
import io.meshpilot.xds.traffic.TrafficRegistry;
import io.meshpilot.xds.traffic.TrafficYaml;
import io.meshpilot.xds.view.PushContext;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A Sidecar egress listener uses only the VirtualServices its hosts select, and the proxy gets the
 * clusters those VirtualServices route or mirror to, as istiod's SidecarScope does.
 */
class SidecarVirtualServicesTest {
  private static final String CONFIGS = """
      kind: Sidecar
      metadata: {name: cart, namespace: shop}
      spec:
        egress:
        - port: {number: 9080, protocol: HTTP, name: http}
          hosts: ["bookinfo/reviews.bookinfo.svc.cluster.local"]
        - hosts: ["./*"]
      ---
      kind: VirtualService
      metadata: {name: reviews, namespace: bookinfo}
      spec:
        hosts: [reviews.bookinfo.svc.cluster.local]
        http:
        - match: [{sourceNamespace: other}]
          route: [{destination: {host: ratings.bookinfo.svc.cluster.local}}]
        - mirror: {host: details.bookinfo.svc.cluster.local}
          route: [{destination: {host: reviews.bookinfo.svc.cluster.local}}]
      ---
      kind: VirtualService
      metadata: {name: productpage, namespace: bookinfo}
      spec:
        hosts: [productpage.bookinfo.svc.cluster.local]
        http:
        - route: [{destination: {host: productpage.bookinfo.svc.cluster.local}}]
      """;

  private final MeshFixture mesh = new MeshFixture().with(
      service("bookinfo", "reviews", "10.96.0.10", port("http", 9080), port("tcp-admin", 9090)),
      service("bookinfo", "details", "10.96.0.11", port("http", 9080), port("tcp-admin", 9090)),
      service("bookinfo", "ratings", "10.96.0.12", port("http", 9080)),
      service("bookinfo", "productpage", "10.96.0.13", port("http", 9080)),
      service("shop", "cart", "10.96.0.20", port("http", 8080)));
  private final XdsResources resources = new XdsResources(PushContext.create(
      new TrafficRegistry(mesh.registry()).set(TrafficYaml.configs(CONFIGS)), MeshSettings.defaults(), "v1"));
  private final Proxy cart = MeshFixture.sidecar("shop", "10.0.0.1");

  @Test
  void aSelectedVirtualServicesMirrorGetsAClusterOnTheListenersPortButNoListenerOrRoute() {
    assertThat(clusters(cart)).contains("outbound|9080||reviews.bookinfo.svc.cluster.local",
            "outbound|9080||details.bookinfo.svc.cluster.local")
        // the listener's port only; a route for another source namespace adds nothing
        .doesNotContain("outbound|9090||details.bookinfo.svc.cluster.local",
            "outbound|9080||ratings.bookinfo.svc.cluster.local",
            "outbound|9080||productpage.bookinfo.svc.cluster.local");
    RouteConfiguration route = route(cart, "9080");
    assertThat(route.getVirtualHostsList()).extracting(VirtualHost::getName)
        .containsExactly("reviews.bookinfo.svc.cluster.local:9080", "allow_any");
  }

  @Test
  void theCatchAllListenerUsesNoVirtualServiceItsHostsDoNotSelect() {
    // productpage's and reviews' VirtualServices are in bookinfo, which ./* does not import
    assertThat(route(cart, "80").getVirtualHostsList()).extracting(VirtualHost::getName)
        .containsExactly("allow_any");
    assertThat(route(cart, "8080").getVirtualHostsList()).extracting(VirtualHost::getName)
        .containsExactly("cart.shop.svc.cluster.local:8080", "allow_any");
  }

  @Test
  void withoutSidecarEveryVisibleVirtualServiceShapesPortEighty() {
    Proxy elsewhere = MeshFixture.sidecar("bookinfo", "10.0.0.2");

    assertThat(route(elsewhere, "80").getVirtualHostsList()).extracting(VirtualHost::getName)
        .containsExactly("productpage.bookinfo.svc.cluster.local:80", "reviews.bookinfo.svc.cluster.local:80",
            "allow_any");
    assertThat(resources.messages(elsewhere, XdsType.LISTENER, Set.of())).extracting(m -> ((Listener) m).getName())
        .contains("0.0.0.0_9080");
  }

  private List<String> clusters(Proxy proxy) {
    return resources.messages(proxy, XdsType.CLUSTER, Set.of()).stream().map(m -> ((Cluster) m).getName()).toList();
  }

  private RouteConfiguration route(Proxy proxy, String name) {
    return (RouteConfiguration) resources.messages(proxy, XdsType.ROUTE, Set.of(name)).getFirst();
  }
}
