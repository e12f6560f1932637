package io.meshpilot.xds.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.meshpilot.xds.e2e.EnvoyBootstrap;
import io.meshpilot.xds.e2e.EnvoyBootstrap.AdsMode;
import io.meshpilot.xds.e2e.EnvoyProcess;
import io.meshpilot.xds.e2e.HttpBackend;
import io.meshpilot.xds.e2e.SidecarNode;
import io.meshpilot.xds.proxy.InvalidProxyException;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.proxy.ProxyParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real Envoy against the ADS server with EDS clusters and an RDS listener: Envoy leaves warming
 * (LIVE), routes, rejects nothing, and an endpoints-only push moves traffic without a CDS or LDS
 * update.
 */
@Timeout(90)
class AdsServerEnvoyTest {
  private static final String CLUSTER = "outbound|9080||reviews.default.svc.cluster.local";
  private static final String LISTENER = "127.0.0.1_9080";

  @ParameterizedTest
  @EnumSource(AdsMode.class)
  void envoyWarmsRoutesAndFollowsAnEndpointOnlyPush(AdsMode mode) throws Exception {
    SidecarNode node = SidecarNode.of("productpage-v1-7d9f8", "default", "127.0.0.1")
        .withInterceptionMode(SidecarNode.InterceptionMode.NONE);
    try (HttpBackend v1 = HttpBackend.start("reviews-v1", "127.0.0.1", 0);
        HttpBackend v2 = HttpBackend.start("reviews-v2", "127.0.0.1", 0)) {
      AtomicReference<Message> endpoints = new AtomicReference<>(withPort(CLUSTER, v1.port()));
      ResourceSource source = new EnvoySource(endpoints);
      try (AdsServer server = new AdsServer(new InetSocketAddress("127.0.0.1", 0), source).start();
          EnvoyProcess envoy = EnvoyProcess.start(EnvoyBootstrap.forSidecar(node)
              .withAds(mode, new InetSocketAddress("127.0.0.1", server.port()))).awaitLive()) {
        int port = envoy.listenerPort(LISTENER);
        assertThat(get(port)).as(envoy::diagnostics).contains("reviews-v1");
        long cdsUpdates = envoy.stat("cluster_manager.cds.update_success");
        long ldsUpdates = envoy.stat("listener_manager.lds.update_success");

        endpoints.set(withPort(CLUSTER, v2.port()));
        server.push(PushRequest.endpoints(Set.of("reviews.default.svc.cluster.local")));

        await().atMost(Duration.ofSeconds(10)).until(() -> get(port).contains("reviews-v2"));
        assertThat(envoy.stat("cluster_manager.cds.update_success")).isEqualTo(cdsUpdates);
        assertThat(envoy.stat("listener_manager.lds.update_success")).isEqualTo(ldsUpdates);
        assertThat(envoy.stat("cluster_manager.cds.update_rejected")).isZero();
        assertThat(envoy.stat("listener_manager.lds.update_rejected")).isZero();
        assertThat(envoy.stat("cluster." + CLUSTER + ".update_rejected")).isZero();
        ProxySyncState proxy = server.syncStatus().proxies().getFirst();
        assertThat(proxy.types().values()).allMatch(t -> t.status() == SyncStatus.SYNCED);
      }
    }
  }

  private static Message withPort(String cluster, int port) {
    var cla = FakeResourceSource.endpoints(cluster, "127.0.0.1").toBuilder();
    cla.getEndpointsBuilder(0).getLbEndpointsBuilder(0).getEndpointBuilder().getAddressBuilder()
        .getSocketAddressBuilder().setPortValue(port);
    return cla.build();
  }

  private static String get(int port) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET / HTTP/1.1\r\nHost: reviews.default.svc.cluster.local\r\n"
          + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** One EDS cluster and one HTTP listener whose routes come from RDS, all over ADS. */
  private record EnvoySource(AtomicReference<Message> endpoints) implements ResourceSource {
    private static final ConfigSource ADS = ConfigSource.newBuilder()
        .setAds(AggregatedConfigSource.getDefaultInstance())
        .setInitialFetchTimeout(com.google.protobuf.Duration.getDefaultInstance())
        .setResourceApiVersion(ApiVersion.V3).build();

    @Override
    public Proxy proxy(Node node) throws InvalidProxyException {
      return ProxyParser.parse(node);
    }

    @Override
    public ResourceSet generate(Proxy proxy, XdsType type, Set<String> names) {
      return ResourceSet.ofMessages(messages(type, names));
    }

    private List<? extends Message> messages(XdsType type, Set<String> names) {
      return switch (type) {
        case CLUSTER -> List.of(Cluster.newBuilder().setName(CLUSTER)
            .setType(Cluster.DiscoveryType.EDS)
            .setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(10))
            .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ADS))
            .build());
        case ENDPOINT -> names.stream().map(name -> name.equals(CLUSTER) ? endpoints.get()
            : io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment.newBuilder()
                .setClusterName(name).build()).toList();
        case LISTENER -> List.of(listener());
        case ROUTE -> names.stream().map(name -> RouteConfiguration.newBuilder().setName(name)
            .addVirtualHosts(VirtualHost.newBuilder().setName("reviews").addDomains("*")
                .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                    .setRoute(RouteAction.newBuilder().setCluster(CLUSTER))))
            .build()).toList();
        case NAME_TABLE -> List.of(); // Envoy never asks for it
      };
    }

    private static Listener listener() {
      HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
          .setStatPrefix("outbound_0.0.0.0_9080")
          .setRds(Rds.newBuilder().setConfigSource(ADS).setRouteConfigName("9080"))
          .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
              .setTypedConfig(Any.pack(Router.getDefaultInstance())))
          .build();
      return Listener.newBuilder().setName(LISTENER)
          .setAddress(Address.newBuilder().setSocketAddress(
              SocketAddress.newBuilder().setAddress("127.0.0.1").setPortValue(0)))
          .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
              .setName("envoy.filters.network.http_connection_manager")
              .setTypedConfig(Any.pack(hcm))))
          .build();
    }
  }
}
