package io.meshpilot.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.meshpilot.xds.e2e.EnvoyBootstrap.AdsMode;
import io.meshpilot.xds.e2e.SidecarNode.InterceptionMode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The generated ADS bootstrap against a real ADS server (java-control-plane's reference SimpleCache, not
 * meshpilot's): Envoy connects, ACKs CDS and LDS in SotW and Delta, becomes LIVE and routes traffic, on
 * the host and from inside a {@link NetnsSandbox} through the Unix-socket bridge.
 */
@Timeout(90)
class AdsBootstrapSmokeTest {

  private static final JsonFormat.Parser PARSER = JsonFormat.parser().usingTypeRegistry(JsonFormat.TypeRegistry.newBuilder()
      .add(HttpConnectionManager.getDescriptor()).add(Router.getDescriptor()).add(TcpProxy.getDescriptor()).build());

  private Server xds;

  @AfterEach
  void stopXds() throws InterruptedException {
    if (xds != null) {
      xds.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest
  @EnumSource(AdsMode.class)
  void hostSidecarAcksAdsConfigAndRoutesWithIt(AdsMode mode) throws Exception {
    SidecarNode node = SidecarNode.of("productpage-v1-7d9f8", "default", "127.0.0.1")
        .withInterceptionMode(InterceptionMode.NONE);
    try (HttpBackend reviews = HttpBackend.start("reviews-v1", "127.0.0.1", 0)) {
      InetSocketAddress xdsAddress = startXds(node, snapshot(
          StaticConfig.staticCluster("outbound|9080||reviews.default.svc.cluster.local", "127.0.0.1", reviews.port()),
          StaticConfig.httpListener("127.0.0.1_9080", "127.0.0.1", 0,
              Map.of("reviews.default.svc.cluster.local", "outbound|9080||reviews.default.svc.cluster.local"))));

      try (EnvoyProcess envoy = EnvoyProcess.start(EnvoyBootstrap.forSidecar(node).withAds(mode, xdsAddress))
          .awaitLive()) {
        int port = envoy.listenerPort("127.0.0.1_9080");
        RawHttp.Response response = RawHttp.get(new InetSocketAddress("127.0.0.1", port),
            "reviews.default.svc.cluster.local", "/", Duration.ofSeconds(5));

        assertThat(response.body()).as(envoy::diagnostics).isEqualTo("reviews-v1");
        assertThat(envoy.stat("control_plane.connected_state")).isEqualTo(1);
        assertThat(envoy.stat("cluster_manager.cds.update_success")).isPositive();
        assertThat(envoy.stat("listener_manager.lds.update_success")).isPositive();
        assertThat(envoy.stat("cluster_manager.cds.update_rejected")).isZero();
        assertThat(envoy.stat("listener_manager.lds.update_rejected")).isZero();
        assertThat(envoy.configDump("resource=dynamic_active_clusters").findValuesAsText("name"))
            .contains("outbound|9080||reviews.default.svc.cluster.local");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(AdsMode.class)
  void sandboxedSidecarGetsAdsConfigThroughTheBridge(AdsMode mode) throws Exception {
    SidecarNode node = SidecarNode.of("productpage-v1-7d9f8", "default", "127.20.0.10");
    InetSocketAddress xdsAddress = startXds(node, snapshot(
        StaticConfig.originalDstCluster("PassthroughCluster"),
        StaticConfig.virtualOutbound("PassthroughCluster")));
    try (NetnsSandbox sandbox = NetnsSandbox.create()) {
      sandbox.addLoopbackAddress("127.20.0.1").interceptOutbound();
      sandbox.startHttpBackend("reviews-v1", "127.20.0.1", 9080);
      EnvoyBootstrap bootstrap = EnvoyBootstrap.forSidecar(node).withAds(mode, sandbox.bridgeToHost(xdsAddress));

      try (EnvoyProcess envoy = EnvoyProcess.startIn(sandbox, bootstrap).awaitLive()) {
        NetnsSandbox.CallResult call = sandbox.httpGet("127.20.0.1", 9080, "reviews", "/");

        assertThat(call.body()).as(envoy::diagnostics).isEqualTo("reviews-v1");
        assertThat(envoy.stat("control_plane.connected_state")).isEqualTo(1);
        assertThat(envoy.stat("listener_manager.lds.update_rejected")).isZero();
        assertThat(envoy.stat("cluster.PassthroughCluster.upstream_cx_total")).isEqualTo(1);
      }
    }
  }

  private InetSocketAddress startXds(SidecarNode node, Snapshot snapshot) throws IOException {
    // One group for every request: java-control-plane groups by each request's node, and with
    // set_node_on_first_message_only (Istio's bootstrap) only the first request carries one.
    SimpleCache<String> cache = new SimpleCache<>(envoyNode -> "all");
    cache.setSnapshot("all", snapshot);
    xds = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new V3DiscoveryServer(cache).getAggregatedDiscoveryServiceImpl())
        .build()
        .start();
    return (InetSocketAddress) xds.getListenSockets().getFirst();
  }

  private static Snapshot snapshot(String clusterJson, String listenerJson) throws InvalidProtocolBufferException {
    return Snapshot.create(List.of(parse(clusterJson, Cluster.newBuilder())), List.of(),
        List.of(parse(listenerJson, Listener.newBuilder())), List.of(), List.of(), "1");
  }

  @SuppressWarnings("unchecked")
  private static <T extends Message> T parse(String json, Message.Builder builder) throws InvalidProtocolBufferException {
    PARSER.merge(json, builder);
    return (T) builder.build();
  }
}
