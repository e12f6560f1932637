package io.meshpilot.xds.listener;

import static io.meshpilot.xds.cluster.MeshFixture.pod;
import static io.meshpilot.xds.cluster.MeshFixture.port;
import static io.meshpilot.xds.cluster.MeshFixture.service;
import static io.meshpilot.xds.cluster.MeshFixture.serviceEntry;
import static io.meshpilot.xds.cluster.MeshFixture.sidecar;
import static io.meshpilot.xds.cluster.MeshFixture.slice;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.meshpilot.xds.OutboundTrafficPolicy;
import io.meshpilot.xds.cluster.ClusterGenerator;
import io.meshpilot.xds.cluster.MeshFixture;
import io.meshpilot.xds.endpoint.EndpointGenerator;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.route.RouteGenerator;
import io.meshpilot.xds.view.PushContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every generated resource, for a mesh with every service shape, loaded by upstream Envoy 1.40 in
 * {@code --mode validate}: listeners and clusters as static resources, each route configuration
 * inline in a checking listener, each EDS assignment as a static checking cluster. Skipped when no
 * Envoy binary is installed, except under {@code CI=true}, where a missing binary fails.
 */
class EnvoyValidationTest {
  // the type registry of config dumps knows every extension the generators pack
  private static final JsonFormat.Printer JSON =
      JsonFormat.printer().usingTypeRegistry(io.meshpilot.xds.dump.ConfigDumpJson.typeRegistry());

  private static final List<String> ISTIOD_DEPRECATED_FIELDS = List.of(
      "envoy.config.cluster.v3.Cluster.dns_refresh_rate", "envoy.config.cluster.v3.Cluster.dns_jitter",
      "envoy.config.cluster.v3.Cluster.respect_dns_ttl", "envoy.config.cluster.v3.Cluster.dns_lookup_family",
      "envoy.config.route.v3.RouteAction.max_grpc_timeout");

  @TempDir
  Path dir;

  private final MeshFixture mesh = new MeshFixture().with(
      service("default", "reviews", "10.96.0.12", port("http", 9080, 9081), port("grpc", 7070), port("", 9100)),
      service("default", "details", "10.96.0.13", port("http", 9080)),
      service("default", "web", "10.96.0.20", port("", 8080)),
      service("db", "mysql", "10.96.3.3", port("tcp", 3306)),
      service("default", "db", "None", port("tcp", 5432), port("http", 7000)),
      pod("default", "reviews-1", "10.244.0.5", "reviews", Map.of("topology.istio.io/locality", "r1.z1")),
      pod("default", "reviews-2", "10.244.0.6", "reviews"),
      slice("default", "reviews", "http", 9081, Map.of("10.244.0.5", "reviews-1", "10.244.0.6", "reviews-2")),
      pod("default", "db-0", "10.244.0.10", "db"),
      slice("default", "db", "tcp", 5432, Map.of("10.244.0.10", "db-0")),
      serviceEntry("default", "dns", Map.of("hosts", List.of("api.example.com"), "resolution", "DNS",
          "location", "MESH_EXTERNAL", "ports", List.of(Map.of("number", 443, "name", "tls", "protocol", "TLS")))),
      // a host differing from another only in case: one server name and one domain to Envoy
      serviceEntry("default", "dns-upper", Map.of("hosts", List.of("API.example.com"), "resolution", "DNS",
          "location", "MESH_EXTERNAL", "ports", List.of(Map.of("number", 443, "name", "tls", "protocol", "TLS")))),
      serviceEntry("default", "rr-upper", Map.of("hosts", List.of("Rr.example.com"), "resolution", "DNS_ROUND_ROBIN",
          "ports", List.of(Map.of("number", 80, "name", "http", "protocol", "HTTP")),
          "endpoints", List.of(Map.of("address", "b.example.com")))),
      serviceEntry("default", "dns2", Map.of("hosts", List.of("api2.example.com"), "resolution", "DNS",
          "location", "MESH_EXTERNAL", "ports", List.of(Map.of("number", 443, "name", "https", "protocol", "HTTPS")))),
      serviceEntry("default", "rr", Map.of("hosts", List.of("rr.example.com"), "resolution", "DNS_ROUND_ROBIN",
          "ports", List.of(Map.of("number", 80, "name", "http", "protocol", "HTTP")),
          "endpoints", List.of(Map.of("address", "a.example.com")))),
      serviceEntry("default", "legacy", Map.of("hosts", List.of("legacy.example.com"), "resolution", "NONE",
          "ports", List.of(Map.of("number", 8000, "name", "http", "protocol", "HTTP", "targetPort", 8001)))),
      serviceEntry("default", "cidr", Map.of("hosts", List.of("net.example.com"), "resolution", "NONE",
          "addresses", List.of("10.10.0.0/16"), "ports", List.of(Map.of("number", 6379, "name", "tcp", "protocol", "TCP")))),
      serviceEntry("default", "cidr2", Map.of("hosts", List.of("net2.example.com"), "resolution", "NONE",
          "addresses", List.of("10.20.0.0/16"), "ports", List.of(Map.of("number", 6379, "name", "tcp", "protocol", "TCP")))),
      serviceEntry("default", "wildcard-tls", Map.of("hosts", List.of("*.example"), "resolution", "NONE",
          "location", "MESH_EXTERNAL", "ports", List.of(Map.of("number", 443, "name", "tls", "protocol", "TLS")))),
      service("default", "mongo", "None", port("mongo", 27017)),
      pod("default", "mongo-0", "10.244.0.40", "mongo"),
      slice("default", "mongo", "mongo", 27017, Map.of("10.244.0.40", "mongo-0")));

  @ParameterizedTest
  @EnumSource(InterceptionMode.class)
  void envoyAcceptsEverythingGeneratedForASidecar(InterceptionMode mode) throws Exception {
    Path envoy = envoyBinary();
    Proxy proxy = sidecar("default", "10.244.0.5", Map.of("app", "reviews"), mode);
    for (OutboundTrafficPolicy policy : OutboundTrafficPolicy.values()) {
      Bootstrap bootstrap = bootstrap(proxy, mesh.push(policy));
      assertThat(bootstrap.getStaticResources().getListenersCount()).isGreaterThan(3);
      validate(envoy, bootstrap, mode + "-" + policy);
    }
  }

  @ParameterizedTest
  @EnumSource(InterceptionMode.class)
  void envoyAcceptsADualStackSidecarsConfig(InterceptionMode mode) throws Exception {
    Path envoy = envoyBinary();
    Proxy proxy = new Proxy("sidecar", "10.244.0.5", "client.default", "default.svc.cluster.local", "default",
        Map.of("app", "reviews", "service.istio.io/canonical-name", "reviews"), List.of("10.244.0.5", "fd00:10:244::5"),
        "Kubernetes", "1.31.0", mode, "", "sidecar~10.244.0.5~client.default~default.svc.cluster.local", false, "", "mesh1");
    Bootstrap bootstrap = bootstrap(proxy, mesh.push(OutboundTrafficPolicy.REGISTRY_ONLY));
    assertThat(bootstrap.getStaticResources().getListenersList())
        .anySatisfy(l -> assertThat(l.getAdditionalAddressesList()).isNotEmpty());
    validate(envoy, bootstrap, "dual-" + mode);
  }

  private Bootstrap bootstrap(Proxy proxy, PushContext push) {
    List<Listener> listeners = new ArrayList<>(ListenerGenerator.generate(proxy, push));
    List<Cluster> clusters = new ArrayList<>(ClusterGenerator.generate(proxy, push));
    Set<String> routeNames = new LinkedHashSet<>(rdsNames(listeners));
    routeNames.add("unknown.example.com:1");
    int checkPort = 20000;
    for (String name : routeNames) {
      RouteConfiguration routes = RouteGenerator.generate(name, proxy, push);
      listeners.add(routeCheck("route-check-" + checkPort, checkPort++, routes));
    }
    for (Cluster cluster : List.copyOf(clusters)) {
      if (cluster.getType() == Cluster.DiscoveryType.EDS) {
        ClusterLoadAssignment cla = EndpointGenerator.generate(cluster.getName(), proxy, push);
        clusters.add(Cluster.newBuilder().setName("eds-check-" + clusters.size())
            .setType(Cluster.DiscoveryType.STATIC).setConnectTimeout(Durations.fromSeconds(1))
            .setLoadAssignment(cla.toBuilder().setClusterName("eds-check-" + clusters.size())).build());
      }
    }
    clusters.add(Cluster.newBuilder().setName("xds-grpc").setType(Cluster.DiscoveryType.STATIC)
        .setConnectTimeout(Durations.fromSeconds(1))
        .putTypedExtensionProtocolOptions("envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
            Any.pack(HttpProtocolOptions.newBuilder().setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig
                .newBuilder().setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance())).build()))
        .setLoadAssignment(ClusterLoadAssignment.newBuilder().setClusterName("xds-grpc")
            .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder()
                .setEndpoint(io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
                    .setAddress(NetworkFilters.address("127.0.0.1", 15010))))))
        .build());
    return Bootstrap.newBuilder()
        .setNode(Node.newBuilder().setId(proxy.nodeId()).setCluster("reviews.default"))
        .setStaticResources(Bootstrap.StaticResources.newBuilder().addAllListeners(listeners).addAllClusters(clusters))
        .setDynamicResources(Bootstrap.DynamicResources.newBuilder().setAdsConfig(ApiConfigSource.newBuilder()
            .setApiType(ApiConfigSource.ApiType.GRPC)
            .setTransportApiVersion(ApiVersion.V3)
            .addGrpcServices(GrpcService.newBuilder()
                .setEnvoyGrpc(GrpcService.EnvoyGrpc.newBuilder().setClusterName("xds-grpc")))))
        .build();
  }

  private static List<String> rdsNames(List<Listener> listeners) {
    List<String> names = new ArrayList<>();
    for (Listener listener : listeners) {
      List<FilterChain> chains = new ArrayList<>(listener.getFilterChainsList());
      chains.add(listener.getDefaultFilterChain());
      for (FilterChain chain : chains) {
        for (Filter filter : chain.getFiltersList()) {
          hcm(filter).filter(HttpConnectionManager::hasRds).ifPresent(h -> names.add(h.getRds().getRouteConfigName()));
        }
      }
    }
    return names;
  }

  private static Optional<HttpConnectionManager> hcm(Filter filter) {
    try {
      return filter.getTypedConfig().is(HttpConnectionManager.class)
          ? Optional.of(filter.getTypedConfig().unpack(HttpConnectionManager.class)) : Optional.empty();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Listener routeCheck(String name, int port, RouteConfiguration routes) {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder().setStatPrefix(name).setRouteConfig(routes)
        .addHttpFilters(io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter.newBuilder()
            .setName("envoy.filters.http.router").setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .build();
    return Listener.newBuilder().setName(name).setAddress(NetworkFilters.address("127.0.0.1", port))
        .addFilterChains(FilterChain.newBuilder().addFilters(NetworkFilters.httpConnectionManager(hcm)))
        .build();
  }

  private void validate(Path envoy, Bootstrap bootstrap, String label) throws IOException, InterruptedException {
    Path config = dir.resolve(label + ".json");
    Files.writeString(config, JSON.print(bootstrap));
    Path log = dir.resolve(label + ".log");
    Process process = new ProcessBuilder(envoy.toString(), "--mode", "validate", "-c", config.toString(),
        "--log-level", "warn", "--base-id", Long.toString(ProcessHandle.current().pid() % 10000))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean exited = process.waitFor(120, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(exited && process.exitValue() == 0)
        .as("envoy --mode validate (%s) rejected %s:%n%s", label, config, output)
        .isTrue();
    assertThat(output).contains("configuration '" + config + "' OK");
    // istiod still sends these; Envoy 1.40 accepts them with a warning. Anything else deprecated is news.
    assertThat(output.lines().filter(l -> l.contains("Deprecated field"))
            .map(l -> l.replaceAll(".*Using deprecated option '([^']+)'.*", "$1")).distinct())
        .as("deprecated fields in %s", label)
        .isSubsetOf(ISTIOD_DEPRECATED_FIELDS);
  }

  private static Path envoyBinary() {
    return io.meshpilot.xds.e2e.EnvoyPeer.binary(); // fails under CI=true when missing, skips otherwise
  }

}
