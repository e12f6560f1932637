package io.meshpilot.xds.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.meshpilot.xds.MeshDiscovery;
import io.meshpilot.xds.e2e.EnvoyBootstrap;
import io.meshpilot.xds.e2e.EnvoyProcess;
import io.meshpilot.xds.e2e.SidecarNode;
import io.meshpilot.xds.server.ProxySyncState;
import io.meshpilot.xds.server.SyncStatus;
import io.meshpilot.xds.server.TypeSyncState;
import io.meshpilot.xds.server.XdsType;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One registry, two flavours at once: a real Envoy sidecar (INTERCEPTION_MODE NONE) gets the
 * sidecar's port listeners and wildcard CDS, a grpc-java proxyless client gets its named API
 * listener; both carry gRPC calls to the same backends and both show in the sync status.
 */
@Timeout(180)
class SidecarAndProxylessE2ETest {
  private static final String REVIEWS = "reviews.default.svc.cluster.local";
  private static final String CLUSTER = "outbound|9080||" + REVIEWS;
  private static final Duration AT_MOST = Duration.ofSeconds(20);

  private final GrpcMesh mesh = new GrpcMesh();

  @AfterEach
  void closeMesh() throws Exception {
    mesh.close();
  }

  @Test
  void envoySidecarAndProxylessClientEachGetTheirOwnFlavour() throws Exception {
    mesh.service("reviews", "10.96.0.12", "grpc", 9080);
    mesh.endpoint("reviews", "grpc", mesh.track(GrpcBackend.start("reviews-v1", "127.0.0.11")));
    mesh.endpoint("reviews", "grpc", mesh.track(GrpcBackend.start("reviews-v2", "127.0.0.12")));
    MeshDiscovery discovery = mesh.discovery();

    SidecarNode sidecar = SidecarNode.of("productpage-v1-7d9f8", "default", "127.0.0.1")
        .withLabels(Map.of("app", "productpage"))
        .withInterceptionMode(SidecarNode.InterceptionMode.NONE);
    EnvoyProcess envoy = mesh.track(EnvoyProcess.start(EnvoyBootstrap.forSidecar(sidecar)
        .withAds(EnvoyBootstrap.AdsMode.SOTW, new InetSocketAddress("127.0.0.1", discovery.port()))).awaitLive());
    GrpcBootstrap proxyless = GrpcBootstrap.of(discovery.port(), "ratings-v1-5c6d", "default", "127.0.0.2");
    ManagedChannel viaXds = mesh.channel(proxyless, REVIEWS + ":9080");
    ManagedChannel viaEnvoy = Grpc.newChannelBuilder("127.0.0.1:9080", InsecureChannelCredentials.create())
        .overrideAuthority(REVIEWS + ":9080").build();
    mesh.track(() -> viaEnvoy.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));

    // Both reach every backend: the proxyless client by itself, the sidecar's traffic through Envoy.
    Set<String> all = Set.of("reviews-v1", "reviews-v2");
    await().atMost(AT_MOST).until(() -> calls(viaXds).containsAll(all));
    await().atMost(AT_MOST).ignoreExceptions().until(() -> calls(viaEnvoy).containsAll(all));

    // Envoy holds the sidecar flavour: a bound port listener, RDS by port, the cluster, no API listener.
    List<String> envoyListeners = new ArrayList<>();
    for (JsonNode listener : envoy.configDump("resource=dynamic_listeners").path("configs")) {
      envoyListeners.add(listener.path("name").asText());
      assertThat(listener.path("active_state").path("listener").has("api_listener")).as("%s", listener).isFalse();
    }
    assertThat(envoyListeners).contains("127.0.0.1_9080").doesNotContain(REVIEWS + ":9080");
    List<String> envoyRoutes = new ArrayList<>();
    envoy.configDump("resource=dynamic_route_configs").path("configs")
        .forEach(route -> envoyRoutes.add(route.path("route_config").path("name").asText()));
    assertThat(envoyRoutes).containsExactly("9080");
    List<String> envoyClusters = new ArrayList<>();
    envoy.configDump("resource=dynamic_active_clusters").path("configs")
        .forEach(cluster -> envoyClusters.add(cluster.path("cluster").path("name").asText()));
    assertThat(envoyClusters).contains(CLUSTER, "PassthroughCluster", "BlackHoleCluster");
    assertThat(envoy.stats("update_rejected")).as(envoy::diagnostics).allSatisfy((name, value) -> assertThat(value).isZero());

    // The proxyless client holds the gRPC flavour: the API listener it named, RDS in cluster syntax.
    ProxySyncState grpcState = mesh.proxy(proxyless.nodeId()).orElseThrow();
    List<Listener> grpcListeners = listeners(discovery, grpcState);
    assertThat(grpcListeners).singleElement().satisfies(listener -> {
      assertThat(listener.getName()).isEqualTo(REVIEWS + ":9080");
      assertThat(listener.hasApiListener()).isTrue();
      assertThat(listener.getFilterChainsCount()).isZero();
    });
    assertThat(grpcState.type(XdsType.ROUTE).watchedNames()).containsExactly(CLUSTER);

    // Both are listed with their type, fully synced, never rejected.
    ProxySyncState envoyState = mesh.proxy(sidecar.id()).orElseThrow();
    assertThat(envoyState.proxy().proxyless()).isFalse();
    assertThat(listeners(discovery, envoyState)).extracting(Listener::getName).contains("127.0.0.1_9080")
        .doesNotContain(REVIEWS + ":9080");
    assertThat(List.of(envoyState, grpcState)).allSatisfy(state -> assertThat(state.proxy().type()).isEqualTo("sidecar"));
    assertThat(grpcState.proxy().generator()).isEqualTo("grpc");
    await().atMost(AT_MOST).untilAsserted(() -> {
      for (String nodeId : List.of(sidecar.id(), proxyless.nodeId())) {
        assertThat(mesh.proxy(nodeId).orElseThrow().types().values()).as(nodeId)
            .extracting(TypeSyncState::status).containsOnly(SyncStatus.SYNCED);
      }
    });
    for (XdsType type : XdsType.values()) {
      assertThat(discovery.syncStatus().counters().rejects(type)).as("%s rejects", type).isZero();
    }
  }

  private static List<Listener> listeners(MeshDiscovery discovery, ProxySyncState state) {
    List<Listener> listeners = new ArrayList<>();
    discovery.generate(state.proxy(), XdsType.LISTENER, state.type(XdsType.LISTENER).watchedNames())
        .forEach(message -> listeners.add((Listener) message));
    return listeners;
  }

  private static Set<String> calls(ManagedChannel channel) {
    Set<String> served = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      served.add(Whoami.call(channel));
    }
    return served;
  }
}
