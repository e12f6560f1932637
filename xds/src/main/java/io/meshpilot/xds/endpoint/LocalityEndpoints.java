package io.meshpilot.xds.endpoint;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Pipe;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns registry endpoints of one service port into Envoy {@link LocalityLbEndpoints} the way
 * istiod does (reference istio-xds.md §4.1): filtered by health, grouped by locality label
 * (sorted), endpoint weight at least 1, locality weight the sum; then, for EDS, locality load
 * balancing relative to the proxy. Used by EDS and by the inline load assignments of DNS clusters.
 */
public final class LocalityEndpoints {
  private static final long UINT32_MAX = 0xFFFFFFFFL;
  private static final String UNIX_PREFIX = "unix://";

  private LocalityEndpoints() {}

  public static List<LocalityLbEndpoints> build(Service service, List<Endpoint> endpoints) {
    return groups(service, endpoints).stream().map(Group::lbEndpoints).toList();
  }

  /**
   * The localities with priorities and weights relative to the calling proxy when a locality load
   * balancing policy shapes them (see {@link LocalityLoadBalancer}), else as {@link #build(Service, List)}.
   */
  public static List<LocalityLbEndpoints> build(Service service, List<Endpoint> endpoints,
      Optional<LocalityLbPolicy> policy, ClientLocality client) {
    if (policy.isEmpty()) {
      return build(service, endpoints);
    }
    return LocalityLoadBalancer.apply(groups(service, endpoints), client, policy.get());
  }

  /**
   * One locality's endpoints as Envoy gets them, with the labels of each endpoint in the same order
   * (failoverPriority matches on them).
   */
  record Group(LocalityLbEndpoints lbEndpoints, List<Map<String, String>> labels) {
    Group {
      labels = List.copyOf(labels);
    }
  }

  /** The groups {@link #build} returns the endpoints of. */
  static List<Group> groups(Service service, List<Endpoint> endpoints) {
    Map<String, List<Endpoint>> byLocality = new TreeMap<>();
    for (Endpoint endpoint : endpoints) {
      if (EndpointHealth.sent(service, endpoint)) {
        byLocality.computeIfAbsent(endpoint.locality().label(), l -> new ArrayList<>()).add(endpoint);
      }
    }
    List<Group> result = new ArrayList<>();
    byLocality.forEach((label, group) ->
        result.add(new Group(group(label, group), group.stream().map(Endpoint::labels).toList())));
    return List.copyOf(result);
  }

  private static LocalityLbEndpoints group(String label, List<Endpoint> endpoints) {
    LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder().setLocality(locality(label));
    long total = 0;
    for (Endpoint endpoint : endpoints) {
      int weight = Math.max(1, endpoint.lbWeight());
      total += weight;
      locality.addLbEndpoints(LbEndpoint.newBuilder()
          .setEndpoint(io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
              .setAddress(address(endpoint.address(), endpoint.endpointPort())))
          .setHealthStatus(EndpointHealth.envoyStatus(endpoint.health()))
          .setMetadata(EndpointMetadata.of(endpoint))
          .setLoadBalancingWeight(UInt32Value.of(weight)));
    }
    return locality.setLoadBalancingWeight(UInt32Value.of((int) Math.min(total, UINT32_MAX))).build();
  }

  /** {@code region/zone/subzone}; missing parts stay empty. */
  static Locality locality(String label) {
    String[] parts = label.split("/", -1);
    Locality.Builder locality = Locality.newBuilder().setRegion(parts[0]);
    if (parts.length > 1) {
      locality.setZone(parts[1]);
    }
    if (parts.length > 2) {
      locality.setSubZone(parts[2]);
    }
    return locality.build();
  }

  static Address address(String address, int port) {
    if (address.startsWith(UNIX_PREFIX)) {
      return Address.newBuilder().setPipe(Pipe.newBuilder().setPath(address.substring(UNIX_PREFIX.length()))).build();
    }
    return Address.newBuilder()
        .setSocketAddress(SocketAddress.newBuilder().setAddress(address).setPortValue(port))
        .build();
  }
}
