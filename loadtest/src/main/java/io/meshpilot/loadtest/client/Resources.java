package io.meshpilot.loadtest.client;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The little the load client reads out of xDS resources: names, EDS-ness, addresses, route names. */
final class Resources {
  static final String HCM_FILTER = "envoy.filters.network.http_connection_manager";

  private static final int CLUSTER_NAME = Cluster.NAME_FIELD_NUMBER;
  private static final int CLUSTER_TYPE = Cluster.TYPE_FIELD_NUMBER;

  private Resources() {}

  /** A cluster's name and whether its endpoints come from EDS. */
  record ClusterInfo(String name, boolean eds) {}

  /** A ClusterLoadAssignment's cluster and its endpoint addresses as {@code ip:port}. */
  record EndpointInfo(String cluster, Set<String> addresses) {}

  /** A listener's name and the RDS route names of its HTTP connection managers. */
  record ListenerInfo(String name, Set<String> routeNames) {}

  /**
   * Reads only the name (field 1) and discovery type (field 2) and skips the rest: two thousand
   * simulated sidecars each receiving a thousand clusters would otherwise spend the machine's cores
   * parsing what they never look at, next to the server being measured.
   */
  static ClusterInfo cluster(Any any) throws InvalidProtocolBufferException {
    try {
      CodedInputStream in = any.getValue().newCodedInput();
      String name = "";
      boolean eds = false;
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case CLUSTER_NAME -> name = in.readStringRequireUtf8();
          case CLUSTER_TYPE -> eds = in.readEnum() == Cluster.DiscoveryType.EDS_VALUE;
          default -> in.skipField(tag);
        }
      }
      return new ClusterInfo(name, eds);
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (java.io.IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
  }

  static EndpointInfo endpoints(Any any) throws InvalidProtocolBufferException {
    ClusterLoadAssignment cla = ClusterLoadAssignment.parseFrom(any.getValue());
    Set<String> addresses = new HashSet<>();
    for (LocalityLbEndpoints locality : cla.getEndpointsList()) {
      for (LbEndpoint lb : locality.getLbEndpointsList()) {
        SocketAddress socket = lb.getEndpoint().getAddress().getSocketAddress();
        addresses.add(socket.getAddress() + ":" + socket.getPortValue());
      }
    }
    return new EndpointInfo(cla.getClusterName(), addresses);
  }

  static ListenerInfo listener(Any any) throws InvalidProtocolBufferException {
    Listener listener = Listener.parseFrom(any.getValue());
    Set<String> routes = new TreeSet<>();
    addRoutes(listener.getFilterChainsList(), routes);
    if (listener.hasDefaultFilterChain()) {
      addRoutes(List.of(listener.getDefaultFilterChain()), routes);
    }
    return new ListenerInfo(listener.getName(), routes);
  }

  private static void addRoutes(List<FilterChain> chains, Set<String> routes) throws InvalidProtocolBufferException {
    for (FilterChain chain : chains) {
      for (Filter filter : chain.getFiltersList()) {
        if (filter.getName().equals(HCM_FILTER) && filter.hasTypedConfig()) {
          HttpConnectionManager hcm = HttpConnectionManager.parseFrom(filter.getTypedConfig().getValue());
          if (hcm.hasRds() && !hcm.getRds().getRouteConfigName().isEmpty()) {
            routes.add(hcm.getRds().getRouteConfigName());
          }
        }
      }
    }
  }
}
