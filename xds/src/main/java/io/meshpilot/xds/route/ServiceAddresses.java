package io.meshpilot.xds.route;

import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.serviceentry.IpLiterals;
import io.meshpilot.xds.proxy.Proxy;
import java.util.ArrayList;
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

  /**
   * istiod's {@code Service.GetAllAddressesForProxy} with its defaults (no dual-stack): the VIPs in
   * the proxy's cluster, else — when {@code autoAllocated} (the proxy captures DNS) — the
   * auto-allocated ServiceEntry VIPs; of those, the ones of the proxy's address family (a
   * dual-stack proxy: the family of the first); else the default address.
   */
  public static List<String> allForProxy(Service service, Proxy proxy, boolean autoAllocated) {
    List<String> addresses = new ArrayList<>(service.clusterVIPs().getOrDefault(proxy.clusterId(), List.of()));
    if (addresses.isEmpty() && autoAllocated) {
      if (!service.autoAllocatedIPv4Address().isEmpty()) {
        addresses.add(service.autoAllocatedIPv4Address());
      }
      if (!service.autoAllocatedIPv6Address().isEmpty()) {
        addresses.add(service.autoAllocatedIPv6Address());
      }
    }
    List<String> filtered = ofProxyFamily(addresses, proxy);
    if (!filtered.isEmpty()) {
      return filtered;
    }
    String fallback = service.defaultAddress();
    if (fallback.isEmpty()) {
      return List.of();
    }
    // a default address beside cluster VIPs is another cluster's: only if the proxy can reach its family
    return service.clusterVIPs().isEmpty() ? List.of(fallback) : ofProxyFamily(List.of(fallback), proxy);
  }

  /** istiod's {@code FilterAddressesByIPFamily}; unparsable entries are dropped. */
  private static List<String> ofProxyFamily(List<String> addresses, Proxy proxy) {
    if (addresses.isEmpty()) {
      return List.of();
    }
    boolean v4 = proxy.ipv4();
    boolean v6 = proxy.ipv6();
    List<String> ipv4 = new ArrayList<>();
    List<String> ipv6 = new ArrayList<>();
    for (String address : addresses) {
      Family family = family(address);
      if (family == Family.V4 && v4) {
        ipv4.add(address);
      } else if (family == Family.V6 && v6) {
        ipv6.add(address);
      }
    }
    if (v4 && v6) {
      Family first = family(addresses.get(0));
      if (first == Family.V4) {
        return ipv4;
      }
      if (first == Family.V6) {
        return ipv6;
      }
    }
    return !ipv4.isEmpty() ? ipv4 : ipv6;
  }

  private enum Family { V4, V6, NONE }

  private static Family family(String address) {
    int slash = address.indexOf('/');
    String ip = slash >= 0 ? address.substring(0, slash) : address;
    if (!IpLiterals.isIp(ip)) {
      return Family.NONE;
    }
    return ip.indexOf(':') >= 0 ? Family.V6 : Family.V4;
  }
}
