package io.meshpilot.xds.route;

import io.meshpilot.registry.model.Service;
import io.meshpilot.xds.view.HostNames;
import io.meshpilot.xds.view.MeshVirtualService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which VirtualService gives the routes of which service on one port (istiod's
 * {@code selectVirtualServices}, {@code separateVSHostsAndServices} and the most-specific-wildcard
 * index): a VirtualService applies when one of its hosts names a service on the port (exactly or by
 * wildcard; on port 80 even when none does). Its exact hosts claim those services; a wildcard host
 * claims a service only when it is the most specific VirtualService host for it. Hosts naming no
 * service become virtual hosts of their own.
 */
final class VirtualHostSources {
  /** One VirtualService's share of the port: the services it routes and the other hosts it names. */
  record Claim(MeshVirtualService virtualService, List<Service> services, List<String> otherHosts) {}

  private VirtualHostSources() {}

  /**
   * @param services the port's services keyed by lower-cased hostname
   * @param virtualServices the proxy's VirtualServices in istiod's order
   */
  static List<Claim> claims(int port, Map<String, Service> services, List<MeshVirtualService> virtualServices) {
    List<MeshVirtualService> selected = port == 80 ? virtualServices
        : virtualServices.stream().filter(vs -> namesAny(vs, services)).toList();
    Map<String, MeshVirtualService> mostSpecific = mostSpecific(selected, services);
    List<Claim> claims = new ArrayList<>();
    for (MeshVirtualService vs : selected) {
      List<Service> matched = new ArrayList<>();
      List<String> other = new ArrayList<>();
      List<String> wildcards = new ArrayList<>();
      for (String host : vs.spec().hosts()) {
        String lower = host.toLowerCase(Locale.ROOT);
        if (HostNames.isWildcard(lower)) {
          wildcards.add(lower);
        } else if (services.containsKey(lower)) {
          matched.add(services.get(lower));
        } else {
          other.add(host);
        }
      }
      for (String wildcard : wildcards) {
        boolean any = false;
        for (Map.Entry<String, Service> service : services.entrySet()) {
          if (HostNames.matches(service.getKey(), wildcard)) {
            any = true;
            if (mostSpecific.get(service.getKey()) == vs && !matched.contains(service.getValue())) {
              matched.add(service.getValue());
            }
          }
        }
        if (!any) {
          other.add(wildcard);
        }
      }
      if (!matched.isEmpty() || port == 80) {
        claims.add(new Claim(vs, List.copyOf(matched), List.copyOf(other)));
      }
    }
    return claims;
  }

  private static boolean namesAny(MeshVirtualService vs, Map<String, Service> services) {
    for (String host : vs.spec().hosts()) {
      String lower = host.toLowerCase(Locale.ROOT);
      if (services.containsKey(lower)) {
        return true;
      }
      for (String service : services.keySet()) {
        if ((HostNames.isWildcard(lower) || HostNames.isWildcard(service)) && HostNames.matches(lower, service)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * For each service, the VirtualService with the most specific host for it: an exact host first,
   * else the longest matching wildcard; the first (oldest) VirtualService keeps a host it shares.
   */
  private static Map<String, MeshVirtualService> mostSpecific(List<MeshVirtualService> virtualServices,
      Map<String, Service> services) {
    Map<String, MeshVirtualService> exact = new HashMap<>();
    Map<String, MeshVirtualService> wildcard = new LinkedHashMap<>();
    for (MeshVirtualService vs : virtualServices) {
      for (String host : vs.spec().hosts()) {
        (HostNames.isWildcard(host) ? wildcard : exact).putIfAbsent(host.toLowerCase(Locale.ROOT), vs);
      }
    }
    Map<String, MeshVirtualService> out = new HashMap<>();
    for (String service : services.keySet()) {
      MeshVirtualService byExact = exact.get(service);
      if (byExact != null) {
        out.put(service, byExact);
        continue;
      }
      String best = null;
      for (String host : wildcard.keySet()) {
        if (HostNames.matches(service, host) && (best == null || host.length() > best.length())) {
          best = host;
        }
      }
      if (best != null) {
        out.put(service, wildcard.get(best));
      }
    }
    return out;
  }
}
