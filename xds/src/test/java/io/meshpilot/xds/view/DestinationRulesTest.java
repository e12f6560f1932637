package io.meshpilot.xds.view;

import static io.meshpilot.xds.TrafficFixture.destinationRule;
import static io.meshpilot.xds.cluster.MeshFixture.port;
import static io.meshpilot.xds.cluster.MeshFixture.service;
import static io.meshpilot.xds.cluster.MeshFixture.sidecar;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.model.Service;
import io.meshpilot.xds.cluster.MeshFixture;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** istiod's DestinationRule lookup: exportTo, namespace precedence, merging, wildcards, selectors. */
class DestinationRulesTest {
  private static final String REVIEWS = "reviews.shop.svc.cluster.local";
  private final MeshFixture mesh = new MeshFixture().with(service("shop", "reviews", "10.0.0.1", port("http", 9080)));

  private Optional<AppliedDestinationRule> ruleFor(Proxy proxy) {
    PushContext push = mesh.push();
    Service reviews = push.service(proxy, REVIEWS).orElseThrow();
    return push.destinationRule(proxy, reviews);
  }

  private static ObjectKey key(String ns, String name) {
    return new ObjectKey("DestinationRule", ns, name);
  }

  @Test
  void proxyNamespaceRuleBeatsServiceNamespaceRuleWhichBeatsRootNamespaceRule() {
    mesh.withRules(
        destinationRule("istio-system", "root", "host: " + REVIEWS),
        destinationRule("shop", "owner", "host: reviews"),
        destinationRule("web", "client", "host: " + REVIEWS));
    assertThat(ruleFor(sidecar("web", "10.1.0.1"))).map(AppliedDestinationRule::object).contains(key("web", "client"));
    assertThat(ruleFor(sidecar("other", "10.1.0.2"))).map(AppliedDestinationRule::object).contains(key("shop", "owner"));
    mesh.withRules(destinationRule("istio-system", "root", "host: " + REVIEWS));
    assertThat(ruleFor(sidecar("other", "10.1.0.2"))).map(AppliedDestinationRule::object)
        .contains(key("istio-system", "root"));
  }

  @Test
  void ruleExportedOnlyToItsNamespaceIsInvisibleElsewhere() {
    mesh.withRules(destinationRule("shop", "private", """
        host: reviews
        exportTo: ["."]
        """));
    assertThat(ruleFor(sidecar("shop", "10.1.0.1"))).isPresent();
    assertThat(ruleFor(sidecar("web", "10.1.0.2"))).isEmpty();
  }

  @Test
  void rulesForOneHostMergeSubsetsAndKeepTheFirstTrafficPolicy() {
    mesh.withRules(
        destinationRule("shop", "older", "2026-01-01T00:00:00Z", """
            host: reviews
            trafficPolicy: {loadBalancer: {simple: RANDOM}}
            subsets: [{name: v1, labels: {version: v1}}]
            """),
        destinationRule("shop", "newer", "2026-01-02T00:00:00Z", """
            host: reviews.shop.svc.cluster.local
            trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}
            subsets: [{name: v1, labels: {version: other}}, {name: v2, labels: {version: v2}}]
            """));
    AppliedDestinationRule rule = ruleFor(sidecar("web", "10.1.0.1")).orElseThrow();
    assertThat(rule.object()).isEqualTo(key("shop", "older"));
    assertThat(rule.from()).containsExactly(key("shop", "older"), key("shop", "newer"));
    assertThat(rule.rule().subsets()).extracting(s -> s.name() + "=" + s.labels().get("version"))
        .containsExactly("v1=v1", "v2=v2");
    assertThat(rule.rule().trafficPolicy().loadBalancer().simple()).isEqualTo("RANDOM");
    assertThat(rule.configPath()).isEqualTo("/apis/networking.istio.io/v1/namespaces/shop/destination-rule/older");
  }

  @Test
  void mostSpecificWildcardHostApplies() {
    mesh.withRules(
        destinationRule("shop", "everything", "host: \"*.cluster.local\""),
        destinationRule("shop", "shop-wide", "host: \"*.shop.svc.cluster.local\""));
    assertThat(ruleFor(sidecar("web", "10.1.0.1"))).map(AppliedDestinationRule::object)
        .contains(key("shop", "shop-wide"));
  }

  @Test
  void ruleWithWorkloadSelectorAppliesOnlyToSelectedProxiesOfItsNamespace() {
    mesh.withRules(
        destinationRule("shop", "canary-client", """
            host: reviews
            workloadSelector: {matchLabels: {app: canary}}
            """),
        destinationRule("shop", "everyone", "host: reviews"));
    Proxy canary = sidecar("shop", "10.1.0.1", Map.of("app", "canary"), InterceptionMode.REDIRECT);
    Proxy other = sidecar("shop", "10.1.0.2", Map.of("app", "web"), InterceptionMode.REDIRECT);
    assertThat(ruleFor(canary)).map(AppliedDestinationRule::object).contains(key("shop", "canary-client"));
    assertThat(ruleFor(other)).map(AppliedDestinationRule::object).contains(key("shop", "everyone"));
    PushContext push = mesh.push();
    assertThat(ProxyScope.of(canary, push)).isNotEqualTo(ProxyScope.of(other, push));
    assertThat(ProxyScope.of(canary, push).selectingRules()).containsExactly(key("shop", "canary-client"));
  }
}
