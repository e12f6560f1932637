package io.meshpilot.xds.dump;

import static io.meshpilot.xds.cluster.MeshFixture.pod;
import static io.meshpilot.xds.cluster.MeshFixture.port;
import static io.meshpilot.xds.cluster.MeshFixture.service;
import static io.meshpilot.xds.cluster.MeshFixture.sidecar;
import static io.meshpilot.xds.cluster.MeshFixture.slice;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.admin.v3.ClustersConfigDump;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.admin.v3.EndpointsConfigDump;
import io.envoyproxy.envoy.admin.v3.ListenersConfigDump;
import io.envoyproxy.envoy.admin.v3.RoutesConfigDump;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.meshpilot.xds.XdsResources;
import io.meshpilot.xds.cluster.MeshFixture;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.server.ProxySyncState;
import io.meshpilot.xds.server.TypeSyncState;
import io.meshpilot.xds.server.XdsType;
import io.meshpilot.xds.view.PushContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigDumpBuilderTest {
  private static final String REVIEWS = "outbound|9080||reviews.default.svc.cluster.local";

  private final PushContext push = new MeshFixture()
      .with(service("default", "reviews", "10.96.0.12", port("http", 9080)),
          pod("default", "reviews-v1", "10.1.0.5", "reviews"),
          slice("default", "reviews", "http", 9080, Map.of("10.1.0.5", "reviews-v1")))
      .push();
  private final XdsResources resources = new XdsResources(push);
  private final ConfigDumpBuilder builder =
      new ConfigDumpBuilder(resources::messages);
  private final Proxy proxy = sidecar("default", "10.1.0.9");

  @Test
  void fullDumpHasIstiodsSectionsInOrderWithoutEndpoints() {
    ConfigDump dump = builder.full(proxy, "2024-05-01T10:20:30Z/7", false);

    assertThat(dump.getConfigsList()).extracting(Any::getTypeUrl).containsExactly(
        "type.googleapis.com/envoy.admin.v3.BootstrapConfigDump",
        "type.googleapis.com/envoy.admin.v3.ClustersConfigDump",
        "type.googleapis.com/envoy.admin.v3.ListenersConfigDump",
        "type.googleapis.com/envoy.admin.v3.ScopedRoutesConfigDump",
        "type.googleapis.com/envoy.admin.v3.RoutesConfigDump",
        "type.googleapis.com/envoy.admin.v3.SecretsConfigDump");
  }

  @Test
  void includeEdsAddsTheEndpointsOfEveryEdsClusterAfterClusters() throws Exception {
    ConfigDump dump = builder.full(proxy, "v7", true);

    assertThat(dump.getConfigs(2).getTypeUrl()).isEqualTo("type.googleapis.com/envoy.admin.v3.EndpointsConfigDump");
    EndpointsConfigDump endpoints = dump.getConfigs(2).unpack(EndpointsConfigDump.class);
    assertThat(endpoints.getDynamicEndpointConfigsList()).hasSize(1).allSatisfy(config ->
        assertThat(config.getVersionInfo()).isEqualTo("v7"));
    ClusterLoadAssignment reviews = endpoints.getDynamicEndpointConfigs(0).getEndpointConfig()
        .unpack(ClusterLoadAssignment.class);
    assertThat(reviews.getClusterName()).isEqualTo(REVIEWS);
    assertThat(reviews.getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress().getAddress())
        .isEqualTo("10.1.0.5");
  }

  @Test
  void clustersAndListenersAreWhatTheGeneratorsBuildStampedWithThePushVersion() throws Exception {
    ConfigDump dump = builder.full(proxy, "v7", false);

    ClustersConfigDump clusters = dump.getConfigs(1).unpack(ClustersConfigDump.class);
    assertThat(clusters.getDynamicActiveClustersList()).allSatisfy(c -> assertThat(c.getVersionInfo()).isEqualTo("v7"));
    assertThat(clusters.getDynamicActiveClustersList()).extracting(c -> (Object) unpack(c.getCluster(), Cluster.class))
        .containsExactlyElementsOf(List.copyOf(resources.messages(proxy, XdsType.CLUSTER, Set.of())));
    ListenersConfigDump listeners = dump.getConfigs(2).unpack(ListenersConfigDump.class);
    assertThat(listeners.getDynamicListenersList()).allSatisfy(l -> {
      assertThat(l.getActiveState().getVersionInfo()).isEqualTo("v7");
      assertThat(l.getName()).isEqualTo(unpack(l.getActiveState().getListener(), Listener.class).getName());
    });
    assertThat(listeners.getDynamicListenersList()).extracting(ListenersConfigDump.DynamicListener::getName)
        .contains("0.0.0.0_9080", "virtualOutbound", "virtualInbound");
  }

  @Test
  void routesAreEveryRouteTheListenersName() throws Exception {
    ConfigDump dump = builder.full(proxy, "v7", false);

    RoutesConfigDump routes = dump.getConfigs(4).unpack(RoutesConfigDump.class);
    assertThat(routes.getDynamicRouteConfigsList())
        .extracting(r -> unpack(r.getRouteConfig(), RouteConfiguration.class).getName())
        .containsExactly("9080");
    assertThat(routes.getDynamicRouteConfigs(0).getVersionInfo()).isEqualTo("v7");
  }

  @Test
  void typesGiveAFlatListOfOnlyTheWatchedTypesInTheOrderAsked() {
    ProxySyncState state = state(Map.of(
        XdsType.CLUSTER, watch(XdsType.CLUSTER, Set.of()),
        XdsType.ROUTE, watch(XdsType.ROUTE, Set.of("9080"))));

    ConfigDump dump = builder.ofTypes(state, List.of("RDS", "eds", "cds", "rds"));

    List<String> typeUrls = dump.getConfigsList().stream().map(Any::getTypeUrl).distinct().toList();
    assertThat(typeUrls).containsExactly(
        "type.googleapis.com/envoy.config.route.v3.RouteConfiguration",
        "type.googleapis.com/envoy.config.cluster.v3.Cluster");
    assertThat(dump.getConfigs(0).getTypeUrl()).endsWith("RouteConfiguration");
    assertThat(dump.getConfigsList()).filteredOn(a -> a.getTypeUrl().endsWith("RouteConfiguration")).hasSize(1);
  }

  @Test
  void typeAcceptsShortNamesInAnyCaseAndFullTypeUrls() {
    assertThat(ConfigDumpBuilder.typeOf("LDS")).contains(XdsType.LISTENER);
    assertThat(ConfigDumpBuilder.typeOf(XdsType.ENDPOINT.typeUrl())).contains(XdsType.ENDPOINT);
    assertThat(ConfigDumpBuilder.typeOf("sds")).isEmpty();
  }

  @Test
  void dumpPrintsAsProtobufJsonWithTypedAnys() throws Exception {
    String json = ConfigDumpJson.write(builder.full(proxy, "v7", true), false);

    assertThat(json).startsWith("{\"configs\":[{\"@type\":\"type.googleapis.com/envoy.admin.v3.BootstrapConfigDump\"}")
        .contains("\"dynamicActiveClusters\":[{\"versionInfo\":\"v7\",\"cluster\":{\"@type\":"
            + "\"type.googleapis.com/envoy.config.cluster.v3.Cluster\"")
        .contains("\"@type\":\"type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager\"");
    ConfigDump.Builder parsed = ConfigDump.newBuilder();
    ConfigDumpJson.parser().merge(json, parsed);
    assertThat(parsed.build()).isEqualTo(builder.full(proxy, "v7", true));
  }

  @Test
  void typeRegistryKnowsEveryTypePackedIntoTheDump() {
    JsonFormat.TypeRegistry registry = ConfigDumpJson.typeRegistry();
    for (String name : List.of("envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
        "envoy.extensions.filters.http.router.v3.Router", "envoy.config.endpoint.v3.ClusterLoadAssignment")) {
      assertThat(registry.find(name)).as(name).isNotNull();
    }
  }

  private ProxySyncState state(Map<XdsType, TypeSyncState> types) {
    return new ProxySyncState(proxy.id() + "-1", proxy, "127.0.0.1:5000", Instant.EPOCH, types);
  }

  private static TypeSyncState watch(XdsType type, Set<String> names) {
    return new TypeSyncState(type, "n1", "n1", "v1", "v1", Optional.of(Instant.EPOCH), Optional.empty(),
        Optional.empty(), names);
  }

  private static <T extends com.google.protobuf.Message> T unpack(Any any, Class<T> type) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
