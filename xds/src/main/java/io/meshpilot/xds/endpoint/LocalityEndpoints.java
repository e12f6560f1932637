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
import java.util.TreeMap;

/**
 * Turns registry endpoints of one service port into Envoy {@link LocalityLbEndpoints} the way
 * istiod does (reference istio-xds.md §4.1): filtered by health, grouped by locality label
 * (sorted), endpoint weight at least 1, locality weight the sum. Used by EDS and by the inline
 * load assignments of DNS clusters.
 */
public final class LocalityEndpoints {
  private static final long UINT32_MAX = 0xFFFFFFFFL;
  private static final String UNIX_PREFIX = "unix://";

  private LocalityEndpoints() {}

  public static List<LocalityLbEndpoints> build(Service service, List<Endpoint> endpoints) {
    Map<String, List<Endpoint>> byLocality = new TreeMap<>();
    for (Endpoint endpoint : endpoints) {
      if (EndpointHealth.sent(service, endpoint)) {
        byLocality.computeIfAbsent(endpoint.locality().label(), l -> new ArrayList<>()).add(endpoint);
      }
    }
    List<LocalityLbEndpoints> result = new ArrayList<>();
    byLocality.forEach((label, group) -> result.add(group(label, group)));
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
