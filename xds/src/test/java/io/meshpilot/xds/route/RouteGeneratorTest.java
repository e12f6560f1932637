package io.meshpilot.xds.route;

import static io.meshpilot.xds.cluster.MeshFixture.port;
import static io.meshpilot.xds.cluster.MeshFixture.service;
import static io.meshpilot.xds.cluster.MeshFixture.serviceEntry;
import static io.meshpilot.xds.cluster.MeshFixture.sidecar;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.Rejection;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.meshpilot.registry.networking.VirtualService.HttpRetry;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.OutboundTrafficPolicy;
import io.meshpilot.xds.cluster.MeshFixture;
import io.meshpilot.xds.conflict.GenerationConflicts;
import io.meshpilot.xds.proxy.Proxy;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RouteGeneratorTest {
  private static final String REVIEWS = "reviews.default.svc.cluster.local";
  private final MeshFixture mesh = new MeshFixture()
      .with(service("default", "reviews", "10.96.0.12", port("http", 9080)));
  private final Proxy sameNamespace = sidecar("default", "10.244.9.9");
  private final Proxy otherNamespace = sidecar("bookinfo-other", "10.244.9.8");

  private RouteConfiguration route(String name, Proxy proxy) {
    return RouteGenerator.generate(name, proxy, mesh.push());
  }

  private static VirtualHost vhost(RouteConfiguration config, String name) {
    return config.getVirtualHostsList().stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void portRouteHasAVirtualHostPerServiceThenTheCatchAll() {
    mesh.with(service("default", "details", "10.96.0.13", port("http", 9080)),
        service("default", "mysql", "10.96.0.14", port("tcp", 9080)));

    RouteConfiguration config = route("9080", sameNamespace);

    assertThat(config.getName()).isEqualTo("9080");
    assertThat(config.getVirtualHostsList()).extracting(VirtualHost::getName).containsExactly(
        "details.default.svc.cluster.local:9080", REVIEWS + ":9080", "allow_any");
    assertThat(config.getValidateClusters().getValue()).isFalse();
    assertThat(config.getMaxDirectResponseBodySizeBytes().getValue()).isEqualTo(1048576);
    assertThat(config.getIgnorePortInHostMatching()).isTrue();
  }

  @Test
  void sameNamespaceProxyGetsTheBareShortName() {
    assertThat(vhost(route("9080", sameNamespace), REVIEWS + ":9080").getDomainsList()).containsExactly(
        REVIEWS, REVIEWS + ".", "reviews", "reviews.default.svc", "reviews.default", "10.96.0.12");
  }

  @Test
  void otherNamespaceProxyGetsOnlyNamespaceQualifiedShortNames() {
    assertThat(vhost(route("9080", otherNamespace), REVIEWS + ":9080").getDomainsList()).containsExactly(
        REVIEWS, REVIEWS + ".", "reviews.default", "reviews.default.svc", "10.96.0.12");
  }

  @Test
  void vipsOfOneIpFamilyAreDomainsTheFirstVipsFamilyForADualStackProxy() {
    io.fabric8.kubernetes.api.model.Service dual = service("default", "echo", "10.96.0.30", port("http", 9080));
    dual.getSpec().setClusterIPs(List.of("10.96.0.30", "fd00:10:96::30"));
    io.fabric8.kubernetes.api.model.Service v6First = service("default", "echo6", "fd00:10:96::31", port("http", 9080));
    v6First.getSpec().setClusterIPs(List.of("fd00:10:96::31", "10.96.0.31"));
    mesh.with(dual).with(v6First);
    Proxy dualStack = new Proxy("sidecar", "10.244.9.7", "dual.default", "default.svc.cluster.local", "default",
        Map.of(), List.of("10.244.9.7", "fd00:10:244::7"), "Kubernetes", "1.31.0", null, "", "");

    assertThat(vhost(route("9080", sameNamespace), "echo.default.svc.cluster.local:9080").getDomainsList())
        .contains("10.96.0.30").doesNotContain("[fd00:10:96::30]");
    // istiod without ISTIO_DUAL_STACK: a dual-stack proxy keeps the family of the service's first VIP
    assertThat(vhost(route("9080", dualStack), "echo.default.svc.cluster.local:9080").getDomainsList())
        .contains("10.96.0.30").doesNotContain("[fd00:10:96::30]");
    assertThat(vhost(route("9080", dualStack), "echo6.default.svc.cluster.local:9080").getDomainsList())
        .contains("[fd00:10:96::31]").doesNotContain("10.96.0.31");
  }

  @Test
  void serviceEntryCidrIsADomainAsIstiodWritesIt() {
    mesh.with(serviceEntry("default", "db", Map.of("hosts", List.of("db.example.internal"), "resolution", "STATIC",
        "addresses", List.of("192.168.10.0/24"), "ports", List.of(Map.of("number", 9080, "name", "http", "protocol", "HTTP")),
        "endpoints", List.of(Map.of("address", "192.168.10.5")))));

    assertThat(vhost(route("9080", sameNamespace), "db.example.internal:9080").getDomainsList())
        .containsExactly("db.example.internal", "db.example.internal.", "192.168.10.0/24");
  }

  @Test
  void meshDefaultHttpRetryPolicyReplacesIstiodsOnDefaultRoutes() {
    HttpRetry meshDefault = new HttpRetry(5, "1s", "5xx,503", null, null, "50ms");
    Route route = vhost(RouteGenerator.generate("9080", sameNamespace,
        mesh.push(MeshSettings.defaults().withDefaultHttpRetryPolicy(Optional.of(meshDefault)))), REVIEWS + ":9080")
        .getRoutes(0);

    RetryPolicy retry = route.getRoute().getRetryPolicy();
    assertThat(retry.getNumRetries().getValue()).isEqualTo(5);
    assertThat(retry.getRetryOn()).isEqualTo("5xx,retriable-status-codes");
    assertThat(retry.getRetriableStatusCodesList()).containsExactly(503);
    assertThat(retry.getPerTryTimeout()).isEqualTo(Durations.fromSeconds(1));
    assertThat(retry.getRetryBackOff().getBaseInterval()).isEqualTo(Durations.fromMillis(50));
    assertThat(retry.getRetryHostPredicate(0).getName()).isEqualTo("envoy.retry_host_predicates.previous_hosts");
    assertThat(retry.getHostSelectionRetryMaxAttempts()).isEqualTo(5);
  }

  @Test
  void meshDefaultWithoutAttemptsTurnsDefaultRouteRetriesOff() {
    Route route = vhost(RouteGenerator.generate("9080", sameNamespace, mesh.push(MeshSettings.defaults()
        .withDefaultHttpRetryPolicy(Optional.of(new HttpRetry(0, null, null, null, null, null))))), REVIEWS + ":9080")
        .getRoutes(0);

    assertThat(route.getRoute().hasRetryPolicy()).isFalse();
  }

  @Test
  void defaultRouteFollowsIstiodDefaults() {
    Route route = vhost(route("9080", sameNamespace), REVIEWS + ":9080").getRoutes(0);

    assertThat(route.getName()).isEqualTo("default");
    assertThat(route.getMatch().getPrefix()).isEqualTo("/");
    assertThat(route.getRoute().getCluster()).isEqualTo("outbound|9080||" + REVIEWS);
    assertThat(route.getRoute().getTimeout()).isEqualTo(Durations.ZERO);
    assertThat(route.getRoute().getRetryPolicy().getRetryOn())
        .isEqualTo("connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes");
    assertThat(route.getRoute().getRetryPolicy().getNumRetries().getValue()).isEqualTo(2);
    assertThat(route.getRoute().getRetryPolicy().getRetryHostPredicate(0).getName())
        .isEqualTo("envoy.retry_host_predicates.previous_hosts");
    assertThat(route.getRoute().getRetryPolicy().getHostSelectionRetryMaxAttempts()).isEqualTo(5);
    assertThat(route.getRoute().getRetryPolicy().getRetriableStatusCodesList()).isEmpty();
    assertThat(route.getDecorator().getOperation()).isEqualTo(REVIEWS + ":9080/*");
    assertThat(vhost(route("9080", sameNamespace), REVIEWS + ":9080").getIncludeRequestAttemptCount()).isTrue();
  }

  @Test
  void catchAllFollowsTheOutboundTrafficPolicy() {
    VirtualHost allowAny = vhost(route("9080", sameNamespace), "allow_any");
    assertThat(allowAny.getDomainsList()).containsExactly("*");
    assertThat(allowAny.getRoutes(0).getRoute().getCluster()).isEqualTo("PassthroughCluster");

    RouteConfiguration blocked = RouteGenerator.generate("9080", sameNamespace,
        mesh.push(OutboundTrafficPolicy.REGISTRY_ONLY));
    VirtualHost blockAll = vhost(blocked, "block_all");
    assertThat(blocked.getVirtualHostsList()).extracting(VirtualHost::getName).doesNotContain("allow_any");
    assertThat(blockAll.getRoutes(0).getDirectResponse().getStatus()).isEqualTo(502);
  }

  @Test
  void sniffedServiceRouteHasOnlyThatServiceMatchingAnyAuthority() {
    mesh.with(service("default", "web", "10.96.0.20", port("", 8080)));

    RouteConfiguration config = route("web.default.svc.cluster.local:8080", sameNamespace);

    assertThat(config.getVirtualHostsList()).hasSize(1);
    assertThat(config.getVirtualHosts(0).getName()).isEqualTo("web.default.svc.cluster.local:8080");
    assertThat(config.getVirtualHosts(0).getDomainsList()).containsExactly("*");
    assertThat(config.getVirtualHosts(0).getRoutes(0).getRoute().getCluster())
        .isEqualTo("outbound|8080||web.default.svc.cluster.local");
    // a sniffed port also joins the shared port route
    assertThat(route("8080", sameNamespace).getVirtualHostsList()).extracting(VirtualHost::getName)
        .containsExactly("web.default.svc.cluster.local:8080", "allow_any");
  }

  @Test
  void unknownNamesGetAnEmptyConfiguration() {
    for (String name : List.of("gone.default.svc.cluster.local:80", REVIEWS + ":1234", "nonsense", "inbound|80||")) {
      RouteConfiguration config = route(name, sameNamespace);
      assertThat(config.getName()).isEqualTo(name);
      assertThat(config.getVirtualHostsList()).isEmpty();
      assertThat(config.getValidateClusters().getValue()).isFalse();
    }
  }

  @Test
  void headlessServiceDomainsGetWildcardVariants() {
    mesh.with(service("default", "db", "None", port("http", 7000)));

    assertThat(vhost(route("7000", sameNamespace), "db.default.svc.cluster.local:7000").getDomainsList())
        .containsExactly("db.default.svc.cluster.local", "db.default.svc.cluster.local.", "db", "db.default.svc",
            "db.default", "*.db.default.svc.cluster.local", "*.db.default.svc.cluster.local.", "*.db",
            "*.db.default.svc", "*.db.default");
  }

  @Test
  void serviceEntryHostsGetNoShortNames() {
    mesh.with(serviceEntry("default", "ext", Map.of("hosts", List.of("api.example.com"),
        "addresses", List.of("240.0.0.5"), "resolution", "STATIC", "location", "MESH_EXTERNAL",
        "endpoints", List.of(Map.of("address", "1.2.3.4")),
        "ports", List.of(Map.of("number", 9080, "name", "http", "protocol", "HTTP")))));

    assertThat(vhost(route("9080", sameNamespace), "api.example.com:9080").getDomainsList())
        .containsExactly("api.example.com", "api.example.com.", "240.0.0.5");
  }

  @Test
  void aDomainAlreadyTakenIsDroppedFromLaterVirtualHosts() {
    // both services claim VIP 10.96.0.12; the first (by hostname) keeps it
    mesh.with(service("default", "aaa", "10.96.0.12", port("http", 9080)));

    RouteConfiguration config = route("9080", sameNamespace);

    assertThat(vhost(config, "aaa.default.svc.cluster.local:9080").getDomainsList()).contains("10.96.0.12");
    assertThat(vhost(config, REVIEWS + ":9080").getDomainsList()).doesNotContain("10.96.0.12").contains(REVIEWS);
  }

  private static GenericKubernetesResource httpEntry(String name, String host) {
    return serviceEntry("default", name, Map.of("hosts", List.of(host), "resolution", "DNS",
        "location", "MESH_EXTERNAL", "ports", List.of(Map.of("number", 80, "name", "http", "protocol", "HTTP"))));
  }

  private static List<Rejection> conflictsOf(String kind) {
    return GenerationConflicts.shared().rejections().stream()
        .filter(r -> r.object().kind().equals(kind)).toList();
  }

  @BeforeEach
  @AfterEach
  void forgetConflicts() { // the sink is process-wide: other tests' conflicts must not leak in or out
    GenerationConflicts.shared().clear();
  }

  @Test
  void hostsThatDifferOnlyInCaseKeepOneVirtualHostAndTheLoserIsReported() {
    mesh.with(httpEntry("api-upper", "Api.example.com"), httpEntry("api-lower", "api.example.com"),
        httpEntry("other", "other.example.com"));

    RouteConfiguration config = route("80", sameNamespace);

    // hostname order puts the upper-case variant first: it keeps the domains
    assertThat(config.getVirtualHostsList()).extracting(VirtualHost::getName)
        .containsExactly("Api.example.com:80", "other.example.com:80", "allow_any");
    List<String> domains = config.getVirtualHostsList().stream().flatMap(v -> v.getDomainsList().stream())
        .map(d -> d.toLowerCase(Locale.ROOT)).toList();
    assertThat(domains).doesNotHaveDuplicates();
    assertThat(conflictsOf("ServiceEntry")).singleElement().satisfies(r -> {
      assertThat(r.object()).isEqualTo(new ObjectKey("ServiceEntry", "default", "api-lower"));
      assertThat(r.source()).isEqualTo("xds");
      assertThat(r.reason()).isEqualTo("route 80: domains api.example.com, api.example.com. already served by"
          + " ServiceEntry default/api-upper (Api.example.com); virtual host api.example.com:80 dropped");
    });
  }

  @Test
  void regeneratingReportsAConflictOnceAndForgetsItWhenItIsGone() {
    mesh.with(httpEntry("api-upper", "Api.example.com"), httpEntry("api-lower", "api.example.com"));
    route("80", sameNamespace);
    route("80", sameNamespace);
    route("80", otherNamespace);
    assertThat(conflictsOf("ServiceEntry")).hasSize(1);

    mesh.without(httpEntry("api-upper", "Api.example.com"));
    route("80", sameNamespace);
    assertThat(conflictsOf("ServiceEntry")).hasSize(1); // still true for the other namespace's route
    route("80", otherNamespace);
    assertThat(conflictsOf("ServiceEntry")).isEmpty();
  }

  @Test
  void aSharedVipIsKeptByTheFirstServiceOnly() {
    mesh.with(serviceEntry("default", "a", Map.of("hosts", List.of("a.example.com"), "addresses", List.of("240.0.0.5"),
            "resolution", "STATIC", "endpoints", List.of(Map.of("address", "1.2.3.4")),
            "ports", List.of(Map.of("number", 80, "name", "http", "protocol", "HTTP")))),
        serviceEntry("default", "b", Map.of("hosts", List.of("b.example.com"), "addresses", List.of("240.0.0.5"),
            "resolution", "STATIC", "endpoints", List.of(Map.of("address", "1.2.3.5")),
            "ports", List.of(Map.of("number", 80, "name", "http", "protocol", "HTTP")))));

    RouteConfiguration config = route("80", sameNamespace);

    assertThat(vhost(config, "a.example.com:80").getDomainsList()).contains("240.0.0.5");
    assertThat(vhost(config, "b.example.com:80").getDomainsList()).containsExactly("b.example.com", "b.example.com.");
    assertThat(conflictsOf("ServiceEntry")).singleElement().extracting(Rejection::reason)
        .isEqualTo("route 80: domain 240.0.0.5 already served by ServiceEntry default/a (a.example.com);"
            + " dropped from b.example.com:80");
  }
}
