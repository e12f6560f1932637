package io.meshpilot.xds.dump;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.admin.v3.BootstrapConfigDump;
import io.envoyproxy.envoy.admin.v3.ClustersConfigDump;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.admin.v3.EndpointsConfigDump;
import io.envoyproxy.envoy.admin.v3.ListenersConfigDump;
import io.envoyproxy.envoy.admin.v3.RoutesConfigDump;
import io.envoyproxy.envoy.admin.v3.ScopedRoutesConfigDump;
import io.envoyproxy.envoy.admin.v3.SecretsConfigDump;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.server.ProxySyncState;
import io.meshpilot.xds.server.TypeSyncState;
import io.meshpilot.xds.server.XdsType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the Envoy admin {@link ConfigDump} of what meshpilot would send one proxy now, in the
 * shape istiod's {@code /debug/config_dump} returns: Bootstrap (empty), Clusters, Endpoints (only
 * when asked), Listeners, ScopedRoutes (empty), Routes (every route the listeners name) and Secrets
 * (empty), each resource stamped with the push version.
 */
public final class ConfigDumpBuilder {
  /** Generates the resources of one type for a proxy, as the ADS server would send them. */
  @FunctionalInterface
  public interface Generator {
    /**
     * @param names the resource names asked for; ignored for CDS and LDS, which are always complete
     */
    List<? extends Message> generate(Proxy proxy, XdsType type, Set<String> names);
  }

  private static final String HCM_TYPE_URL = "type.googleapis.com/" + HttpConnectionManager.getDescriptor().getFullName();

  private final Generator generator;

  public ConfigDumpBuilder(Generator generator) {
    this.generator = Objects.requireNonNull(generator, "generator");
  }

  /**
   * The full dump, in istiod's section order.
   *
   * @param version the push version stamped on every resource's {@code version_info}
   * @param includeEds whether to add the EndpointsConfigDump (istiod's {@code include_eds})
   */
  public ConfigDump full(Proxy proxy, String version, boolean includeEds) {
    List<Cluster> clusters = generate(proxy, XdsType.CLUSTER, Set.of(), Cluster.class);
    List<Listener> listeners = generate(proxy, XdsType.LISTENER, Set.of(), Listener.class);

    ClustersConfigDump.Builder clusterDump = ClustersConfigDump.newBuilder().setVersionInfo(version);
    for (Cluster cluster : clusters) {
      clusterDump.addDynamicActiveClusters(ClustersConfigDump.DynamicCluster.newBuilder()
          .setVersionInfo(version).setCluster(Any.pack(cluster)));
    }
    ListenersConfigDump.Builder listenerDump = ListenersConfigDump.newBuilder().setVersionInfo(version);
    for (Listener listener : listeners) {
      listenerDump.addDynamicListeners(ListenersConfigDump.DynamicListener.newBuilder()
          .setName(listener.getName())
          .setActiveState(ListenersConfigDump.DynamicListenerState.newBuilder()
              .setVersionInfo(version).setListener(Any.pack(listener))));
    }
    RoutesConfigDump.Builder routeDump = RoutesConfigDump.newBuilder();
    for (Message route : generator.generate(proxy, XdsType.ROUTE, routeNames(listeners))) {
      routeDump.addDynamicRouteConfigs(RoutesConfigDump.DynamicRouteConfig.newBuilder()
          .setVersionInfo(version).setRouteConfig(Any.pack(route)));
    }

    ConfigDump.Builder dump = ConfigDump.newBuilder()
        .addConfigs(Any.pack(BootstrapConfigDump.getDefaultInstance()))
        .addConfigs(Any.pack(clusterDump.build()));
    if (includeEds) {
      EndpointsConfigDump.Builder endpointDump = EndpointsConfigDump.newBuilder();
      for (Message assignment : generator.generate(proxy, XdsType.ENDPOINT, edsNames(clusters))) {
        endpointDump.addDynamicEndpointConfigs(EndpointsConfigDump.DynamicEndpointConfig.newBuilder()
            .setVersionInfo(version).setEndpointConfig(Any.pack(assignment)));
      }
      dump.addConfigs(Any.pack(endpointDump.build()));
    }
    return dump.addConfigs(Any.pack(listenerDump.build()))
        .addConfigs(Any.pack(ScopedRoutesConfigDump.getDefaultInstance()))
        .addConfigs(Any.pack(routeDump.build()))
        .addConfigs(Any.pack(SecretsConfigDump.getDefaultInstance()))
        .build();
  }

  /**
   * istiod's {@code ?types=} dump: a flat list of the generated resources, type after type in the
   * order asked, only for types the proxy watches; EDS and RDS are generated for the names it
   * watches. Types meshpilot does not serve contribute nothing.
   *
   * @param types short names ({@code cds}, {@code lds}, {@code rds}, {@code eds}; any case) or type URLs
   */
  public ConfigDump ofTypes(ProxySyncState proxy, List<String> types) {
    ConfigDump.Builder dump = ConfigDump.newBuilder();
    Set<XdsType> seen = new LinkedHashSet<>();
    for (String name : types) {
      typeOf(name).filter(proxy.types()::containsKey).ifPresent(seen::add);
    }
    for (XdsType type : seen) {
      TypeSyncState watch = proxy.type(type);
      for (Message resource : generator.generate(proxy.proxy(), type, watch.watchedNames())) {
        dump.addConfigs(Any.pack(resource));
      }
    }
    return dump.build();
  }

  /** The type a {@code ?types=} entry names: istiod's short name (any case) or a full type URL. */
  public static Optional<XdsType> typeOf(String name) {
    String trimmed = name.trim();
    for (XdsType type : XdsType.values()) {
      if (type.shortName().equals(trimmed.toLowerCase(Locale.ROOT))) {
        return Optional.of(type);
      }
    }
    return XdsType.ofTypeUrl(trimmed);
  }

  /** The RDS names the listeners' HTTP connection managers point at, sorted. */
  public static Set<String> routeNames(List<Listener> listeners) {
    Set<String> names = new TreeSet<>();
    for (Listener listener : listeners) {
      List<FilterChain> chains = new ArrayList<>(listener.getFilterChainsList());
      if (listener.hasDefaultFilterChain()) {
        chains.add(listener.getDefaultFilterChain());
      }
      for (FilterChain chain : chains) {
        for (Filter filter : chain.getFiltersList()) {
          httpConnectionManager(filter)
              .filter(HttpConnectionManager::hasRds)
              .ifPresent(hcm -> names.add(hcm.getRds().getRouteConfigName()));
        }
      }
    }
    return names;
  }

  /** The EDS names of the clusters that take their endpoints from EDS, sorted. */
  public static Set<String> edsNames(List<Cluster> clusters) {
    Set<String> names = new TreeSet<>();
    for (Cluster cluster : clusters) {
      if (cluster.hasType() && cluster.getType() == Cluster.DiscoveryType.EDS) {
        String serviceName = cluster.getEdsClusterConfig().getServiceName();
        names.add(serviceName.isEmpty() ? cluster.getName() : serviceName);
      }
    }
    return names;
  }

  /** The HTTP connection manager a network filter configures, if it is one. */
  public static Optional<HttpConnectionManager> httpConnectionManager(Filter filter) {
    if (!filter.hasTypedConfig() || !filter.getTypedConfig().getTypeUrl().equals(HCM_TYPE_URL)) {
      return Optional.empty();
    }
    try {
      return Optional.of(filter.getTypedConfig().unpack(HttpConnectionManager.class));
    } catch (InvalidProtocolBufferException e) {
      return Optional.empty(); // not ours to repair: a dump shows what exists
    }
  }

  private <T extends Message> List<T> generate(Proxy proxy, XdsType type, Set<String> names, Class<T> kind) {
    return generator.generate(proxy, type, names).stream().map(kind::cast).toList();
  }
}
