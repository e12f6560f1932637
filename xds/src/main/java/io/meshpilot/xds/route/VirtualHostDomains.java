package io.meshpilot.xds.route;

import io.meshpilot.registry.model.RegistryKind;
import io.meshpilot.registry.model.Resolution;
import io.meshpilot.registry.model.Service;
import io.meshpilot.xds.proxy.Proxy;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code domains} of a service's virtual host for a 1.27+ sidecar (reference istio-xds.md §2.4):
 * the FQDN, the absolute FQDN, the short names the proxy's DNS domain allows, {@code *.} variants
 * for headless Kubernetes services, then the VIPs of the proxy's IP family. No {@code :port} twins, because route
 * configurations set {@code ignore_port_in_host_matching}.
 */
public final class VirtualHostDomains {
  private static final String SVC = ".svc.";

  private VirtualHostDomains() {}

  public static List<String> of(Service service, Proxy proxy) {
    String hostname = service.hostname();
    List<String> names = new ArrayList<>();
    names.add(hostname);
    if (!isIp(hostname)) {
      names.add(hostname + ".");
    }
    names.addAll(shortNames(hostname, proxy.dnsDomain()));
    List<String> domains = new ArrayList<>(names);
    if (service.resolution() == Resolution.PASSTHROUGH && service.attributes().registry() == RegistryKind.KUBERNETES) {
      names.forEach(name -> domains.add("*." + name));
    }
    // istiod filters a service's addresses by the proxy's IP family (ISTIO_DUAL_STACK off: a
    // dual-stack proxy keeps the family of the first); a ServiceEntry's CIDR stays a domain as
    // istiod writes it. Auto-allocated VIPs stay out, as they always have here: istiod adds them for
    // proxies that capture DNS, which the shared route scope does not tell apart yet
    for (String vip : ServiceAddresses.allForProxy(service, proxy, false)) {
      if (!vip.equals(Service.UNSPECIFIED_ADDRESS)) {
        domains.add(vip.contains(":") ? "[" + vip + "]" : vip);
      }
    }
    return domains;
  }

  static List<String> shortNames(String hostname, String proxyDomain) {
    int proxySvc = proxyDomain.indexOf(SVC);
    if (proxySvc >= 0) {
      return kubernetesShortNames(hostname, proxyDomain, proxySvc);
    }
    return sharedSuffixShortNames(hostname, proxyDomain);
  }

  /** Same namespace: name, name.ns.svc, name.ns; other namespaces: name.ns, name.ns.svc. */
  private static List<String> kubernetesShortNames(String hostname, String proxyDomain, int proxySvc) {
    int hostSvc = hostname.indexOf(SVC);
    if (hostSvc <= 0 || !hostname.substring(hostSvc).equals(proxyDomain.substring(proxySvc))) {
      return List.of(); // not a service of this cluster domain: no short names
    }
    int firstDot = hostname.indexOf('.');
    if (firstDot + 1 > hostSvc) {
      return List.of();
    }
    String nameAndNamespace = hostname.substring(0, hostSvc);
    if (hostname.substring(firstDot + 1, hostSvc).equals(proxyDomain.substring(0, proxySvc))) {
      return List.of(hostname.substring(0, firstDot), nameAndNamespace + ".svc", nameAndNamespace);
    }
    return List.of(nameAndNamespace, nameAndNamespace + ".svc");
  }

  /**
   * Proxies outside Kubernetes DNS: the part of the hostname not shared with the proxy's domain,
   * plus that part with the first shared label when it has exactly two labels.
   */
  private static List<String> sharedSuffixShortNames(String hostname, String proxyDomain) {
    if (proxyDomain.isEmpty()) {
      return List.of();
    }
    String[] host = hostname.split("\\.");
    String[] domain = proxyDomain.split("\\.");
    int shared = 0;
    while (shared < Math.min(host.length, domain.length)
        && host[host.length - 1 - shared].equals(domain[domain.length - 1 - shared])) {
      shared++;
    }
    if (shared == 0 || shared == host.length) {
      return List.of();
    }
    int uniqueLabels = host.length - shared;
    String unique = String.join(".", java.util.Arrays.copyOfRange(host, 0, uniqueLabels));
    List<String> names = new ArrayList<>();
    names.add(unique);
    if (uniqueLabels == 2) {
      names.add(unique + "." + host[uniqueLabels]);
    }
    return names;
  }

  private static boolean isIp(String hostname) {
    return hostname.contains(":") || hostname.chars().allMatch(c -> c == '.' || Character.isDigit(c));
  }
}
