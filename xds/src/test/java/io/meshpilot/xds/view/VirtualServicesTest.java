package io.meshpilot.xds.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.registry.networking.TrafficConfigs;
import io.meshpilot.xds.traffic.TrafficYaml;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The mesh VirtualService index: visibility, gateways, short names and delegates as istiod resolves them. */
class VirtualServicesTest {
  private static VirtualServices index(String yaml, List<String> defaultExportTo) {
    TrafficConfigs configs = TrafficYaml.virtualServices(yaml);
    return VirtualServices.of(configs, "cluster.local", defaultExportTo);
  }

  private static List<String> names(List<MeshVirtualService> list) {
    return list.stream().map(vs -> vs.namespace() + "/" + vs.name()).toList();
  }

  @Test
  void visibleOnesComePrivateThenExportedThenPublicEachOldestFirst() {
    VirtualServices index = index("""
        kind: VirtualService
        metadata: {name: public-old, namespace: a, creationTimestamp: "2026-01-01T00:00:00Z"}
        spec: {hosts: [x]}
        ---
        kind: VirtualService
        metadata: {name: exported, namespace: b, creationTimestamp: "2026-01-02T00:00:00Z"}
        spec: {hosts: [x], exportTo: [a, c]}
        ---
        kind: VirtualService
        metadata: {name: private, namespace: a, creationTimestamp: "2026-01-03T00:00:00Z"}
        spec: {hosts: [x], exportTo: ["."]}
        ---
        kind: VirtualService
        metadata: {name: hidden, namespace: a, creationTimestamp: "2026-01-04T00:00:00Z"}
        spec: {hosts: [x], exportTo: ["~"]}
        ---
        kind: VirtualService
        metadata: {name: ingress-only, namespace: a, creationTimestamp: "2026-01-05T00:00:00Z"}
        spec: {hosts: [x], gateways: [istio-system/ingress]}
        ---
        kind: VirtualService
        metadata: {name: mesh-and-ingress, namespace: a, creationTimestamp: "2026-01-06T00:00:00Z"}
        spec: {hosts: [x], gateways: [mesh, istio-system/ingress]}
        """, List.of("*"));

    assertThat(names(index.visibleFrom("a"))).containsExactly("a/private", "b/exported", "a/public-old",
        "a/mesh-and-ingress");
    assertThat(names(index.visibleFrom("c"))).containsExactly("b/exported", "a/public-old", "a/mesh-and-ingress");
    assertThat(names(index.visibleFrom("b"))).containsExactly("a/public-old", "a/mesh-and-ingress");
  }

  @Test
  void meshDefaultExportToAppliesToVirtualServicesWithoutTheirOwn() {
    VirtualServices index = index("""
        kind: VirtualService
        metadata: {name: reviews, namespace: a}
        spec: {hosts: [reviews]}
        """, List.of("."));

    assertThat(index.visibleFrom("a")).hasSize(1);
    assertThat(index.visibleFrom("b")).isEmpty();
  }

  @Test
  void shortNamesAreCompletedInTheVirtualServicesNamespace() {
    MeshVirtualService vs = index("""
        kind: VirtualService
        metadata: {name: reviews, namespace: shop}
        spec:
          hosts: [reviews, "*.example.com", api.example.com]
          http:
          - mirror: {host: shadow}
            route:
            - destination: {host: reviews-v2}
          tcp:
          - route:
            - destination: {host: db}
        """, List.of("*")).visibleFrom("shop").get(0);

    assertThat(vs.spec().hosts()).containsExactly("reviews.shop.svc.cluster.local", "*.example.com", "api.example.com");
    assertThat(vs.spec().http().get(0).route().get(0).destination().host()).isEqualTo("reviews-v2.shop.svc.cluster.local");
    assertThat(vs.spec().http().get(0).mirror().host()).isEqualTo("shadow.shop.svc.cluster.local");
    assertThat(vs.spec().tcp().get(0).route().get(0).destination().host()).isEqualTo("db.shop.svc.cluster.local");
  }

  @Test
  void aDelegateNotExportedToTheRootsNamespaceIsSkipped() {
    MeshVirtualService root = index("""
        kind: VirtualService
        metadata: {name: root, namespace: shop}
        spec:
          hosts: [reviews]
          http:
          - delegate: {name: hidden, namespace: team}
          - route:
            - destination: {host: reviews}
        ---
        kind: VirtualService
        metadata: {name: hidden, namespace: team}
        spec:
          exportTo: ["."]
          http:
          - route:
            - destination: {host: other}
        """, List.of("*")).visibleFrom("shop").get(0);

    assertThat(root.spec().http()).singleElement()
        .satisfies(h -> assertThat(h.route().get(0).destination().host()).isEqualTo("reviews.shop.svc.cluster.local"));
    assertThat(root.delegates()).extracting(k -> k.namespacedName()).containsExactly("team/hidden");
  }

  @Test
  void sourceSelectorsAreTheDistinctSourceLabelsOfAllMatches() {
    VirtualServices index = index("""
        kind: VirtualService
        metadata: {name: r, namespace: a}
        spec:
          hosts: [reviews]
          http:
          - match:
            - sourceLabels: {app: productpage}
            - sourceLabels: {app: productpage}
            route:
            - destination: {host: reviews}
          tcp:
          - match:
            - sourceLabels: {app: db-client}
            route:
            - destination: {host: db}
        """, List.of("*"));

    assertThat(index.sourceSelectors()).hasSize(2);
    assertThat(index.selectorsMatching(java.util.Map.of("app", "productpage", "version", "v1"))).hasSize(1);
    assertThat(index.selectorsMatching(java.util.Map.of("app", "x"))).isEmpty();
  }
}
