package io.meshpilot.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.admin.v3.BootstrapConfigDump;
import io.envoyproxy.envoy.admin.v3.ClustersConfigDump;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.admin.v3.EndpointsConfigDump;
import io.envoyproxy.envoy.admin.v3.ListenersConfigDump;
import io.envoyproxy.envoy.admin.v3.RoutesConfigDump;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.file.FileSource;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.cluster.ClusterGenerator;
import io.meshpilot.xds.endpoint.EndpointGenerator;
import io.meshpilot.xds.listener.ListenerGenerator;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.proxy.ProxyParser;
import io.meshpilot.xds.route.RouteGenerator;
import io.meshpilot.xds.view.PushContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

/**
 * The config dump meshpilot's {@code /debug/config_dump?proxyID=...&include_eds} serves for the
 * productpage sidecar of the example mesh, built straight from the generators (as istiod's shape:
 * Bootstrap, Clusters, Endpoints, Listeners, Routes; protobuf JSON). Run {@link #main} to re-record
 * {@code src/test/resources/cli/productpage-config_dump.json} after generator changes.
 */
final class ConfigDumpFixture {
  static final String VERSION = "2026-11-01T09:00:00Z/1";
  static final String PROXY = "productpage-v1-7d9f8b6c5d-v1x4k.default";
  static final Path RECORDED = Path.of("src/test/resources/cli/productpage-config_dump.json");

  private static final JsonFormat.Printer JSON =
      JsonFormat.printer().usingTypeRegistry(io.meshpilot.xds.dump.ConfigDumpJson.typeRegistry());

  private ConfigDumpFixture() {}

  /** The dump, generated now from {@code examples/} and the current generators. */
  static String generate(Path examples) throws Exception {
    MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
    try (FileSource files = new FileSource(examples, registry)) {
      files.start();
      PushContext push = PushContext.create(registry, MeshSettings.defaults(), VERSION);
      Proxy proxy = ProxyParser.parse(productpageNode());
      List<Cluster> clusters = ClusterGenerator.generate(proxy, push);
      List<Listener> listeners = ListenerGenerator.generate(proxy, push);

      ClustersConfigDump.Builder cds = ClustersConfigDump.newBuilder().setVersionInfo(VERSION);
      TreeSet<String> edsNames = new TreeSet<>();
      for (Cluster c : clusters) {
        cds.addDynamicActiveClusters(ClustersConfigDump.DynamicCluster.newBuilder()
            .setVersionInfo(VERSION).setCluster(Any.pack(c)));
        if (c.getType() == Cluster.DiscoveryType.EDS) {
          edsNames.add(c.getEdsClusterConfig().getServiceName().isEmpty() ? c.getName() : c.getEdsClusterConfig().getServiceName());
        }
      }
      ListenersConfigDump.Builder lds = ListenersConfigDump.newBuilder().setVersionInfo(VERSION);
      TreeSet<String> routeNames = new TreeSet<>();
      for (Listener l : listeners) {
        lds.addDynamicListeners(ListenersConfigDump.DynamicListener.newBuilder().setName(l.getName())
            .setActiveState(ListenersConfigDump.DynamicListenerState.newBuilder()
                .setVersionInfo(VERSION).setListener(Any.pack(l))));
        routeNames.addAll(routeNames(l));
      }
      RoutesConfigDump.Builder rds = RoutesConfigDump.newBuilder();
      for (String name : routeNames) {
        rds.addDynamicRouteConfigs(RoutesConfigDump.DynamicRouteConfig.newBuilder()
            .setVersionInfo(VERSION).setRouteConfig(Any.pack(RouteGenerator.generate(name, proxy, push))));
      }
      EndpointsConfigDump.Builder eds = EndpointsConfigDump.newBuilder();
      for (String name : edsNames) {
        eds.addDynamicEndpointConfigs(EndpointsConfigDump.DynamicEndpointConfig.newBuilder()
            .setVersionInfo(VERSION).setEndpointConfig(Any.pack(EndpointGenerator.generate(name, proxy, push))));
      }
      ConfigDump dump = ConfigDump.newBuilder()
          .addConfigs(Any.pack(BootstrapConfigDump.getDefaultInstance()))
          .addConfigs(Any.pack(cds.build()))
          .addConfigs(Any.pack(eds.build()))
          .addConfigs(Any.pack(lds.build()))
          .addConfigs(Any.pack(rds.build()))
          .build();
      return JSON.print(dump) + "\n";
    }
  }

  static String recorded() throws Exception {
    return Files.readString(RECORDED);
  }

  private static List<String> routeNames(Listener listener) throws InvalidProtocolBufferException {
    TreeSet<String> names = new TreeSet<>();
    List<io.envoyproxy.envoy.config.listener.v3.FilterChain> chains = new java.util.ArrayList<>(listener.getFilterChainsList());
    if (listener.hasDefaultFilterChain()) {
      chains.add(listener.getDefaultFilterChain());
    }
    for (var chain : chains) {
      for (var filter : chain.getFiltersList()) {
        if (filter.getTypedConfig().is(HttpConnectionManager.class)) {
          HttpConnectionManager hcm = filter.getTypedConfig().unpack(HttpConnectionManager.class);
          if (hcm.hasRds()) {
            names.add(hcm.getRds().getRouteConfigName());
          }
        }
      }
    }
    return List.copyOf(names);
  }

  /** The productpage sidecar as pilot-agent bootstraps it (REDIRECT interception). */
  static Node productpageNode() {
    Struct labels = Struct.newBuilder()
        .putFields("app", Value.newBuilder().setStringValue("productpage").build())
        .putFields("version", Value.newBuilder().setStringValue("v1").build())
        .build();
    return Node.newBuilder()
        .setId("sidecar~10.244.1.10~" + PROXY + "~default.svc.cluster.local")
        .setMetadata(Struct.newBuilder()
            .putFields("NAMESPACE", Value.newBuilder().setStringValue("default").build())
            .putFields("LABELS", Value.newBuilder().setStructValue(labels).build())
            .putFields("INSTANCE_IPS", Value.newBuilder().setStringValue("10.244.1.10").build())
            .putFields("CLUSTER_ID", Value.newBuilder().setStringValue("Kubernetes").build())
            .putFields("ISTIO_VERSION", Value.newBuilder().setStringValue("1.30.0").build()))
        .build();
  }

  /** Parsed like the CLI parses it. */
  static io.meshpilot.controlplane.cli.ConfigDump parse(String json) {
    return io.meshpilot.controlplane.cli.ConfigDump.parse(json);
  }

  /** Re-records the fixture; run from the control-plane module directory. */
  public static void main(String[] args) throws Exception {
    Files.writeString(RECORDED, generate(Path.of("../examples")));
  }

  static JsonNode tree(String json) {
    return JsonText.parse(json);
  }
}
