package io.meshpilot.xds.why;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.meshpilot.xds.cluster.ClusterNames;
import io.meshpilot.xds.dump.ConfigDumpBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds one hostname's resources in a proxy's generated config: its outbound clusters (and their
 * EDS names), the route configurations with a virtual host or a route for it, and the listeners
 * that lead there (a tcp_proxy to one of its clusters, or an HTTP connection manager whose routes
 * mention it). Pure functions over Envoy messages.
 */
final class HostnameResources {
  private static final String TCP_PROXY_TYPE_URL = "type.googleapis.com/" + TcpProxy.getDescriptor().getFullName();

  private HostnameResources() {}

  /** True for a cluster (or ClusterLoadAssignment) name of the hostname: {@code outbound|<port>|<subset>|<host>}. */
  static boolean isClusterOf(String name, String hostname) {
    return ClusterNames.parseOutbound(name).map(o -> o.hostname().equals(hostname)).orElse(false);
  }

  /** The hostname's clusters, by name in the given order. */
  static List<Cluster> clusters(List<? extends Message> clusters, String hostname) {
    return clusters.stream().map(Cluster.class::cast).filter(c -> isClusterOf(c.getName(), hostname)).toList();
  }

  /** True when a virtual host's domains name the hostname, or a route sends to one of its clusters. */
  static boolean mentions(RouteConfiguration route, String hostname) {
    for (VirtualHost host : route.getVirtualHostsList()) {
      if (host.getDomainsList().stream().anyMatch(d -> d.equals(hostname) || d.startsWith(hostname + ":"))) {
        return true;
      }
      for (Route r : host.getRoutesList()) {
        if (r.hasRoute() && routesTo(r.getRoute(), hostname)) {
          return true;
        }
      }
    }
    return false;
  }

  /** True when a listener leads to the hostname, directly or through one of {@code routes} (RDS names). */
  static boolean leadsTo(Listener listener, String hostname, Set<String> routes) {
    List<FilterChain> chains = new ArrayList<>(listener.getFilterChainsList());
    if (listener.hasDefaultFilterChain()) {
      chains.add(listener.getDefaultFilterChain());
    }
    Stream<Optional<HttpConnectionManager>> managers = chains.stream()
        .flatMap(chain -> chain.getFiltersList().stream())
        .map(ConfigDumpBuilder::httpConnectionManager);
    if (listener.hasApiListener()) { // proxyless gRPC: the manager is the listener's api_listener
      managers = Stream.concat(managers, Stream.of(unpack(listener.getApiListener().getApiListener(),
          HttpConnectionManager.class)));
    }
    boolean viaHttp = managers.flatMap(Optional::stream).anyMatch(hcm -> hcm.hasRds()
        ? routes.contains(hcm.getRds().getRouteConfigName())
        : hcm.hasRouteConfig() && mentions(hcm.getRouteConfig(), hostname));
    return viaHttp || chains.stream()
        .flatMap(chain -> chain.getFiltersList().stream())
        .map(HostnameResources::tcpProxy)
        .flatMap(Optional::stream)
        .anyMatch(tcp -> isClusterOf(tcp.getCluster(), hostname)
            || tcp.getWeightedClusters().getClustersList().stream().anyMatch(c -> isClusterOf(c.getName(), hostname)));
  }

  private static boolean routesTo(RouteAction action, String hostname) {
    if (isClusterOf(action.getCluster(), hostname)) {
      return true;
    }
    for (WeightedCluster.ClusterWeight weighted : action.getWeightedClusters().getClustersList()) {
      if (isClusterOf(weighted.getName(), hostname)) {
        return true;
      }
    }
    return false;
  }

  private static Optional<TcpProxy> tcpProxy(Filter filter) {
    if (!filter.hasTypedConfig() || !filter.getTypedConfig().getTypeUrl().equals(TCP_PROXY_TYPE_URL)) {
      return Optional.empty();
    }
    return unpack(filter.getTypedConfig(), TcpProxy.class);
  }

  private static <T extends Message> Optional<T> unpack(Any any, Class<T> type) {
    if (!any.is(type)) {
      return Optional.empty();
    }
    try {
      return Optional.of(any.unpack(type));
    } catch (InvalidProtocolBufferException e) {
      return Optional.empty(); // generated by us, so never; a report shows what it can read
    }
  }
}
