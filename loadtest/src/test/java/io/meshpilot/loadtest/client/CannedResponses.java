package io.meshpilot.loadtest.client;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import java.util.List;

/** Small xDS resources and responses shaped like istiod's, for the session tests. */
final class CannedResponses {
  static final String SVC_A = "outbound|8080||a.lt-00.svc.cluster.local";
  static final String SVC_B = "outbound|8080||b.lt-00.svc.cluster.local";

  private CannedResponses() {}

  static Cluster eds(String name) {
    return Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.EDS).build();
  }

  static Cluster staticCluster(String name) {
    return Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.STATIC).build();
  }

  static ClusterLoadAssignment cla(String cluster, String... ips) {
    LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder();
    for (String ip : ips) {
      locality.addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder().setAddress(
          Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(8080)))));
    }
    return ClusterLoadAssignment.newBuilder().setClusterName(cluster).addEndpoints(locality).build();
  }

  /** A listener whose one filter chain has an HTTP connection manager using RDS route {@code route}. */
  static Listener httpListener(String name, String route) {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setRds(Rds.newBuilder().setRouteConfigName(route)).build();
    return Listener.newBuilder().setName(name)
        .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
            .setName("envoy.filters.network.http_connection_manager").setTypedConfig(Any.pack(hcm))))
        .build();
  }

  static RouteConfiguration route(String name) {
    return RouteConfiguration.newBuilder().setName(name).build();
  }

  static DiscoveryResponse sotw(ResourceType type, String version, String nonce, List<? extends com.google.protobuf.Message> resources) {
    DiscoveryResponse.Builder response = DiscoveryResponse.newBuilder().setTypeUrl(type.typeUrl())
        .setVersionInfo(version).setNonce(nonce);
    resources.forEach(r -> response.addResources(Any.pack(r)));
    return response.build();
  }

  static DeltaDiscoveryResponse delta(ResourceType type, String nonce, List<? extends com.google.protobuf.Message> resources,
      List<String> removed) {
    DeltaDiscoveryResponse.Builder response = DeltaDiscoveryResponse.newBuilder().setTypeUrl(type.typeUrl())
        .setNonce(nonce).addAllRemovedResources(removed);
    for (com.google.protobuf.Message r : resources) {
      response.addResources(Resource.newBuilder().setName(name(r)).setVersion(nonce).setResource(Any.pack(r)));
    }
    return response.build();
  }

  private static String name(com.google.protobuf.Message r) {
    if (r instanceof Cluster c) {
      return c.getName();
    }
    if (r instanceof ClusterLoadAssignment c) {
      return c.getClusterName();
    }
    if (r instanceof Listener l) {
      return l.getName();
    }
    return ((RouteConfiguration) r).getName();
  }
}
