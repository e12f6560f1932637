package io.meshpilot.xds.grpc;

import static io.meshpilot.xds.cluster.MeshFixture.pod;
import static io.meshpilot.xds.cluster.MeshFixture.port;
import static io.meshpilot.xds.cluster.MeshFixture.service;
import static io.meshpilot.xds.cluster.MeshFixture.slice;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.meshpilot.xds.cluster.MeshFixture;
import io.meshpilot.xds.proxy.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GrpcListenerGeneratorTest {
  private static final String REVIEWS = "reviews.default.svc.cluster.local";
  private final MeshFixture mesh = new MeshFixture()
      .with(service("default", "reviews", "10.96.0.12", port("grpc", 9080, 8080)),
          service("default", "ratings", "10.96.0.13", port("grpc-ratings", 9090), port("http", 9091)),
          pod("default", "reviews-v1", "10.244.1.1", "reviews"),
          slice("default", "reviews", "grpc", 8080, Map.of("10.244.1.1", "reviews-v1")));
  private final Proxy client = GrpcProxies.client("default", "10.244.9.9");

  private Optional<Listener> listener(String name, Proxy proxy) {
    return GrpcListenerGenerator.generate(name, proxy, mesh.push());
  }

  private static HttpConnectionManager hcm(Any config) throws InvalidProtocolBufferException {
    return config.unpack(HttpConnectionManager.class);
  }

  @Test
  void clientListenerIsAnApiListenerNamedAsRequestedThatTakesRoutesOverAds() throws Exception {
    Listener listener = listener(REVIEWS + ":9080", client).orElseThrow();

    assertThat(listener.getName()).isEqualTo(REVIEWS + ":9080");
    assertThat(listener.getAddress().getSocketAddress().getAddress()).isEqualTo("10.96.0.12");
    assertThat(listener.getAddress().getSocketAddress().getPortValue()).isEqualTo(9080);
    assertThat(listener.getFilterChainsList()).isEmpty();
    HttpConnectionManager hcm = hcm(listener.getApiListener().getApiListener());
    assertThat(hcm.getRds().getRouteConfigName()).isEqualTo("outbound|9080||" + REVIEWS);
    assertThat(hcm.getRds().getConfigSource().hasAds()).isTrue();
    assertThat(hcm.hasRouteConfig()).isFalse();
    assertThat(hcm.getHttpFiltersList()).extracting(HttpFilter::getName)
        .containsExactly("envoy.filters.http.fault", "envoy.filters.http.router");
    assertThat(hcm.getHttpFilters(1).getTypedConfig().is(Router.class)).isTrue();
    assertThat(hcm.getXffNumTrustedHops()).isZero();
    assertThat(hcm.getOriginalIpDetectionExtensionsList()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"reviews:9080", "reviews.default:9080", "reviews.default.svc:9080", "10.96.0.12:9080"})
  void shortNamesAndTheVipResolveToTheServiceUnderTheRequestedName(String name) throws Exception {
    Listener listener = listener(name, client).orElseThrow();

    assertThat(listener.getName()).isEqualTo(name);
    assertThat(hcm(listener.getApiListener().getApiListener()).getRds().getRouteConfigName())
        .isEqualTo("outbound|9080||" + REVIEWS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"details.default.svc.cluster.local:9080", REVIEWS + ":9999", REVIEWS, "reviews",
      "reviews.default.svc.cluster:9080", "xds.istio.io/grpc/lds/inbound/0.0.0.0:7070", ":9080", "reviews:abc"})
  void namesThatDenoteNoServicePortGetNoListener(String name) {
    assertThat(listener(name, client)).isEmpty();
  }

  @Test
  void otherNamespacesShortNamesAreNotCompleted() {
    Proxy elsewhere = GrpcProxies.client("bookinfo-other", "10.244.9.8");

    assertThat(listener("reviews:9080", elsewhere)).isEmpty();
    assertThat(listener("reviews.default:9080", elsewhere)).isEmpty();
    assertThat(listener(REVIEWS + ":9080", elsewhere)).isPresent();
  }

  @Test
  void requestNamingNothingGetsEveryVisibleServicePort() {
    assertThat(GrpcListenerGenerator.all(client, mesh.push())).extracting(Listener::getName).containsExactly(
        "ratings.default.svc.cluster.local:9090", "ratings.default.svc.cluster.local:9091", REVIEWS + ":9080");
  }

  @Test
  void serverListenerServesTheWorkloadsTargetPortWithANonForwardingRoute() throws Exception {
    Proxy server = GrpcProxies.workload("default", "10.244.1.1", Map.of("app", "reviews"));
    String name = "xds.istio.io/grpc/lds/inbound/0.0.0.0:8080";

    Listener listener = listener(name, server).orElseThrow();

    assertThat(listener.getName()).isEqualTo(name);
    assertThat(listener.getAddress().getSocketAddress().getAddress()).isEqualTo("0.0.0.0");
    assertThat(listener.getAddress().getSocketAddress().getPortValue()).isEqualTo(8080);
    assertThat(listener.getTrafficDirection()).isEqualTo(TrafficDirection.INBOUND);
    assertThat(listener.getListenerFiltersList()).isEmpty();
    assertThat(listener.hasUseOriginalDst()).isFalse();
    assertThat(listener.hasApiListener()).isFalse();
    assertThat(listener.getFilterChainsList()).singleElement().satisfies(chain -> {
      assertThat(chain.getName()).isEqualTo("inbound-plaintext");
      assertThat(chain.hasFilterChainMatch()).isFalse();
      assertThat(chain.hasTransportSocket()).isFalse();
      assertThat(chain.getFiltersList()).extracting(Filter::getName)
          .containsExactly("envoy.filters.network.http_connection_manager");
    });
    HttpConnectionManager hcm = hcm(listener.getFilterChains(0).getFilters(0).getTypedConfig());
    assertThat(hcm.getHttpFiltersList()).extracting(HttpFilter::getName).containsExactly("envoy.filters.http.router");
    assertThat(hcm.getRouteConfig().getName()).isEqualTo("inbound");
    VirtualHost vhost = hcm.getRouteConfig().getVirtualHostsList().stream().reduce((a, b) -> b).orElseThrow();
    assertThat(hcm.getRouteConfig().getVirtualHostsList()).hasSize(1);
    assertThat(vhost.getName()).isEqualTo("inbound|http|8080");
    assertThat(vhost.getDomainsList()).containsExactly("*");
    assertThat(vhost.getRoutesList()).singleElement().satisfies(route -> {
      assertThat(route.getMatch().getPrefix()).isEqualTo("/");
      assertThat(route.getActionCase()).isEqualTo(Route.ActionCase.NON_FORWARDING_ACTION);
    });
  }

  @Test
  void serverListenerKeepsTheRequestedAddressIncludingIpv6() {
    Proxy server = GrpcProxies.workload("default", "10.244.1.1", Map.of("app", "reviews"));

    Listener listener = listener("xds.istio.io/grpc/lds/inbound/[::]:8080", server).orElseThrow();

    assertThat(listener.getAddress().getSocketAddress().getAddress()).isEqualTo("::");
    assertThat(listener.getFilterChainsList()).extracting(FilterChain::getName).containsExactly("inbound-plaintext");
  }

  @ParameterizedTest
  @ValueSource(strings = {"xds.resource.listening_address=0.0.0.0:8080",
      "grpc/server?xds.resource.listening_address=0.0.0.0:8080"})
  void serverListenerAlsoAnswersGrpcsOwnTemplate(String name) {
    Proxy server = GrpcProxies.workload("default", "10.244.1.1", Map.of("app", "reviews"));

    assertThat(listener(name, server)).hasValueSatisfying(listener -> {
      assertThat(listener.getName()).isEqualTo(name);
      assertThat(listener.getAddress().getSocketAddress().getPortValue()).isEqualTo(8080);
    });
  }

  @Test
  void serverListenerIsOnlyForPortsAServiceForwardsToTheWorkload() {
    Proxy server = GrpcProxies.workload("default", "10.244.1.1", Map.of("app", "reviews"));
    Proxy unselected = GrpcProxies.workload("default", "10.244.1.2", Map.of("app", "productpage"));

    assertThat(listener("xds.istio.io/grpc/lds/inbound/0.0.0.0:9999", server)).isEmpty();
    assertThat(listener("xds.istio.io/grpc/lds/inbound/0.0.0.0:8080", unselected)).isEmpty();
    assertThat(GrpcListenerGenerator.all(server, mesh.push())).extracting(Listener::getName)
        .noneMatch(n -> n.startsWith("xds.istio.io/"));
  }

  @Test
  void listenersOfUdpPortsAreNotServed() {
    mesh.with(service("default", "dns", "10.96.0.53", MeshFixture.udpPort("dns", 53)));

    assertThat(listener("dns.default.svc.cluster.local:53", client)).isEmpty();
    assertThat(GrpcListenerGenerator.all(client, mesh.push())).extracting(Listener::getName)
        .doesNotContain("dns.default.svc.cluster.local:53");
  }

  @Test
  void outboundTargetCompletionFollowsIstiod() {
    assertThat(OutboundTarget.fqdn("reviews", client)).hasValue(REVIEWS);
    assertThat(OutboundTarget.fqdn("reviews.default", client)).hasValue(REVIEWS);
    assertThat(OutboundTarget.fqdn("reviews.default.svc", client)).hasValue(REVIEWS);
    assertThat(OutboundTarget.fqdn("reviews.other", client)).isEmpty();
    assertThat(OutboundTarget.fqdn("a.b.default", client)).isEmpty();
    assertThat(List.of(HostPort.parse("[::1]:80"), HostPort.parse("::1:80"), HostPort.parse("host:0")))
        .containsExactly(Optional.of(new HostPort("::1", 80)), Optional.empty(), Optional.empty());
  }
}
