package io.meshpilot.xds.server;

import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.meshpilot.xds.proxy.InvalidProxyException;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.proxy.ProxyParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** A mutable set of resources served to every proxy; unknown EDS/RDS names yield empty ones. */
final class FakeResourceSource implements ResourceSource {
  static final String REVIEWS = "reviews.default.svc.cluster.local";
  static final String RATINGS = "ratings.default.svc.cluster.local";
  static final String REVIEWS_CLUSTER = "outbound|9080||" + REVIEWS;
  static final String RATINGS_CLUSTER = "outbound|9080||" + RATINGS;

  private final Map<XdsType, Map<String, Message>> resources = new ConcurrentHashMap<>();

  FakeResourceSource() {
    for (XdsType type : XdsType.values()) {
      resources.put(type, new ConcurrentHashMap<>());
    }
    put(cluster(REVIEWS_CLUSTER, 10));
    put(cluster(RATINGS_CLUSTER, 10));
    put(endpoints(REVIEWS_CLUSTER, "10.1.0.1", "10.1.0.2"));
    put(endpoints(RATINGS_CLUSTER, "10.2.0.1"));
    put(listener("0.0.0.0_9080", 9080));
    put(route("9080", REVIEWS));
  }

  @Override
  public Proxy proxy(Node node) throws InvalidProxyException {
    return ProxyParser.parse(node);
  }

  @Override
  public ResourceSet generate(Proxy proxy, XdsType type, Set<String> names) {
    return ResourceSet.ofMessages(messages(type, names));
  }

  private List<? extends Message> messages(XdsType type, Set<String> names) {
    Map<String, Message> byName = new TreeMap<>(resources.get(type));
    if (type.wildcard()) {
      return new ArrayList<>(byName.values());
    }
    List<Message> out = new ArrayList<>();
    for (String name : new java.util.TreeSet<>(names)) {
      out.add(byName.getOrDefault(name, type == XdsType.ENDPOINT
          ? ClusterLoadAssignment.newBuilder().setClusterName(name).build()
          : RouteConfiguration.newBuilder().setName(name).build()));
    }
    return out;
  }

  void put(Message resource) {
    XdsType type = XdsType.ofTypeUrl(typeUrlOf(resource)).orElseThrow();
    resources.get(type).put(Resources.getResourceName(resource), resource);
  }

  void remove(XdsType type, String name) {
    resources.get(type).remove(name);
  }

  static Cluster cluster(String name, int connectTimeoutSeconds) {
    return Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.EDS)
        .setConnectTimeout(com.google.protobuf.Duration.newBuilder()
            .setSeconds(connectTimeoutSeconds))
        .build();
  }

  static ClusterLoadAssignment endpoints(String cluster, String... ips) {
    LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder();
    for (String ip : ips) {
      locality.addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder()
          .setAddress(Address.newBuilder().setSocketAddress(
              SocketAddress.newBuilder().setAddress(ip).setPortValue(9080)))));
    }
    return ClusterLoadAssignment.newBuilder().setClusterName(cluster).addEndpoints(locality).build();
  }

  static Listener listener(String name, int port) {
    return Listener.newBuilder().setName(name).setAddress(Address.newBuilder().setSocketAddress(
        SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(port))).build();
  }

  static RouteConfiguration route(String name, String... domains) {
    return RouteConfiguration.newBuilder().setName(name)
        .addVirtualHosts(VirtualHost.newBuilder().setName(name).addAllDomains(List.of(domains)))
        .build();
  }

  private static String typeUrlOf(Message resource) {
    return "type.googleapis.com/" + resource.getDescriptorForType().getFullName();
  }
}
