package io.meshpilot.xds.dns;

import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.HealthStatus;
import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.model.RegistryKind;
import io.meshpilot.registry.model.Resolution;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.serviceentry.IpLiterals;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.route.ServiceAddresses;
import io.meshpilot.xds.view.PushContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The name table pilot-agent answers a workload's DNS from (istiod's {@code BuildNameTable}): every
 * service the proxy can see, by hostname, with the addresses it resolves to for that proxy — a
 * Kubernetes Service's cluster IPs (with its name and namespace, from which the agent also answers
 * {@code name}, {@code name.ns}, {@code name.ns.svc}), a ServiceEntry host's addresses or
 * auto-allocated VIPs, and for a headless service its ready endpoints' IPs plus one entry per pod
 * with a hostname and subdomain ({@code mysql-0.mysql.default.svc.cluster.local}). Hosts without an
 * address (a ServiceEntry without VIPs, a headless service without ready endpoints) are left out, so
 * the agent forwards them upstream.
 */
public final class NameTableBuilder {
  private static final String UNSPECIFIED = Service.UNSPECIFIED_ADDRESS;
  private static final String CLUSTERSET_SUFFIX = ".clusterset.local";

  private NameTableBuilder() {}

  /** The table for one proxy, by hostname. */
  public static SortedMap<String, NameInfo> build(Proxy proxy, PushContext push) {
    Map<String, NameInfo> table = new LinkedHashMap<>();
    for (Service service : push.services(proxy)) {
      List<String> addresses = new ArrayList<>();
      boolean headless = false;
      for (String address : ServiceAddresses.allForProxy(service, proxy, proxy.usesAutoAllocatedVips())) {
        if (address.equals(UNSPECIFIED)) {
          headless = true;
          break;
        }
        if (IpLiterals.isIp(address)) { // CIDRs and anything else are no answer to a query
          addresses.add(address);
        }
      }
      if (headless && service.resolution() == Resolution.PASSTHROUGH && !service.ports().isEmpty()) {
        addresses.addAll(headlessEntries(service, proxy, push, table));
      }
      if (!addresses.isEmpty()) {
        add(table, service, addresses);
      }
    }
    return new TreeMap<>(table);
  }

  /** The IPs of a headless service's usable endpoints; writes their per-pod entries into the table. */
  private static List<String> headlessEntries(Service service, Proxy proxy, PushContext push,
      Map<String, NameInfo> table) {
    List<String> addresses = new ArrayList<>();
    Map<String, List<String>> local = new LinkedHashMap<>();
    Map<String, List<String>> remote = new LinkedHashMap<>();
    Map<String, String> shortNames = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    int dot = service.hostname().indexOf('.');
    for (Port port : service.ports()) {
      for (Endpoint endpoint : push.endpoints(service, port)) {
        if (!usable(endpoint, service) || !seen.add(endpoint.addresses().get(0))) {
          continue;
        }
        boolean sameCluster = endpoint.locality().clusterId().isEmpty()
            || endpoint.locality().clusterId().equals(proxy.clusterId());
        if (!endpoint.subDomain().isEmpty() && dot > 0) {
          String shortName = endpoint.hostName() + "." + endpoint.subDomain();
          String host = shortName + service.hostname().substring(dot);
          shortNames.put(host, shortName);
          (sameCluster ? local : remote).computeIfAbsent(host, h -> new ArrayList<>()).addAll(endpoint.addresses());
        }
        // istiod's ENABLE_MULTICLUSTER_HEADLESS default: endpoints of every cluster (one network here)
        addresses.addAll(endpoint.addresses());
      }
    }
    String registry = service.attributes().registry().wireName();
    String namespace = service.attributes().namespace();
    local.forEach((host, ips) -> table.put(host, new NameInfo(ips, registry, shortNames.get(host), namespace)));
    remote.forEach((host, ips) -> {
      if (!local.containsKey(host)) {
        table.put(host, new NameInfo(ips, registry, shortNames.get(host), namespace));
      }
    });
    return addresses;
  }

  private static boolean usable(Endpoint endpoint, Service service) {
    return !endpoint.addresses().isEmpty()
        && endpoint.addresses().stream().allMatch(IpLiterals::isIp)
        && (service.attributes().publishNotReadyAddresses() || endpoint.health() == HealthStatus.HEALTHY);
  }

  /**
   * A hostname's first service makes its entry; a later ServiceEntry for it adds its addresses, and a
   * Kubernetes Service takes over an entry a ServiceEntry made (the entry decorates the Service).
   */
  private static void add(Map<String, NameInfo> table, Service service, List<String> addresses) {
    NameInfo existing = table.get(service.hostname());
    boolean kube = service.attributes().registry() == RegistryKind.KUBERNETES;
    if (existing == null || (kube && !existing.registry().equals(RegistryKind.KUBERNETES.wireName()))) {
      boolean named = kube && !service.hostname().endsWith(CLUSTERSET_SUFFIX);
      table.put(service.hostname(), new NameInfo(addresses, service.attributes().registry().wireName(),
          named ? service.attributes().name() : "", named ? service.attributes().namespace() : ""));
    } else if (!existing.registry().equals(RegistryKind.KUBERNETES.wireName())) {
      table.put(service.hostname(), existing.plus(addresses));
    }
  }
}
