package io.meshpilot.xds.route;

import io.meshpilot.registry.model.Service;
import io.meshpilot.xds.proxy.Proxy;
import java.util.List;

/**
 * The VIPs of a service as one proxy sees them: the service's addresses in the proxy's cluster,
 * else its default address; {@code 0.0.0.0} stands for "no VIP".
 */
public final class ServiceAddresses {
  private ServiceAddresses() {}

  public static List<String> forProxy(Service service, Proxy proxy) {
    List<String> cluster = service.clusterVIPs().getOrDefault(proxy.clusterId(), List.of());
    if (!cluster.isEmpty()) {
      return cluster;
    }
    return service.defaultAddress().isEmpty()
        ? List.of(Service.UNSPECIFIED_ADDRESS) : List.of(service.defaultAddress());
  }

  /** The first address: the one outbound listeners bind to. */
  public static String primary(Service service, Proxy proxy) {
    return forProxy(service, proxy).get(0);
  }
}
