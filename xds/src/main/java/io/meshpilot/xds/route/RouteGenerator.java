package io.meshpilot.xds.route;

import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.model.Service;
import io.meshpilot.xds.cache.Ref;
import io.meshpilot.xds.conflict.Conflict;
import io.meshpilot.xds.conflict.GeneratedResource;
import io.meshpilot.xds.conflict.GenerationConflicts;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.view.OutboundPorts;
import io.meshpilot.xds.view.PushContext;
import io.meshpilot.xds.view.ScopedServices;
import io.meshpilot.xds.view.SidecarScope;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * RDS for sidecars (reference istio-xds.md §2). {@code "<port>"}: a virtual host per visible HTTP
 * or sniffed service on that port, sorted by name, then the catch-all; a domain two services claim
 * (compared case-insensitively, as Envoy does) stays with the first and the other is reported to
 * {@link GenerationConflicts}. {@code "<host>:<port>"}:
 * only that service's virtual host, matching any authority. Anything else: an empty
 * configuration of that name, as istiod answers, so the listener can finish warming.
 */
public final class RouteGenerator {
  private static final int MAX_DIRECT_RESPONSE_BODY = 1024 * 1024;

  /** A virtual host depends on its service, port and domains (chosen per route). */
  private record VirtualHostKey(Ref<Service> service, int port, List<String> domains) {}

  private RouteGenerator() {}

  public static RouteConfiguration generate(String routeName, Proxy proxy, PushContext push) {
    Optional<Integer> port = RouteNames.parsePort(routeName);
    if (port.isPresent()) {
      return forPort(routeName, port.get(), proxy, push);
    }
    return RouteNames.parseService(routeName)
        .flatMap(sp -> push.service(proxy, sp.hostname())
            .filter(s -> push.sidecarScope(proxy).services().routed(s, sp.port()).isPresent())
            .map(s -> forService(routeName, s, sp.port())))
        .flatMap(c -> c)
        .orElseGet(() -> empty(routeName));
  }

  private static RouteConfiguration forPort(String routeName, int port, Proxy proxy, PushContext push) {
    SidecarScope scope = push.sidecarScope(proxy);
    // a port-specific egress listener's route holds only its own hosts (istiod's GetEgressListenerForRDS)
    ScopedServices imported = scope.egressForRoute(port).map(SidecarScope.Egress::services).orElse(ScopedServices.NONE);
    List<Service> services = imported.services().stream().filter(s -> imported.routed(s, port).isPresent()).toList();
    // Envoy matches domains case-insensitively and refuses the whole route configuration on a
    // duplicate, so domains are compared as istiod's dedupeDomains compares them: lower-cased.
    Set<String> hostnames = new HashSet<>();
    services.forEach(s -> hostnames.add(lower(s.hostname())));
    Map<String, String> holders = new HashMap<>(); // lower-cased domain -> who serves it
    holders.put("*", "the catch-all virtual host"); // appended last, it must keep "*"
    Set<Conflict> conflicts = new HashSet<>();
    List<VirtualHost> hosts = new ArrayList<>();
    for (Service service : services) {
      String self = Conflict.describe(service);
      List<String> domains = new ArrayList<>();
      Map<String, List<String>> lost = new LinkedHashMap<>(); // holder -> domains it kept from this service
      List<String> candidates;
      try {
        candidates = VirtualHostDomains.of(service, proxy);
      } catch (RuntimeException e) {
        conflicts.add(Conflict.generationFailed(service, "virtual host of route " + routeName, e));
        continue;
      }
      for (String domain : candidates) {
        String key = lower(domain);
        if (!key.equals(lower(service.hostname())) && hostnames.contains(key)) {
          continue; // a short name never shadows another service's FQDN (istiod drops it silently)
        }
        String holder = holders.putIfAbsent(key, self);
        if (holder == null) {
          domains.add(domain);
        } else if (!holder.equals(self)) {
          lost.computeIfAbsent(holder, h -> new ArrayList<>()).add(domain);
        }
      }
      String vhostName = RouteNames.forService(service.hostname(), port);
      if (!domains.isEmpty()) {
        hosts.add(push.cache().get(new VirtualHostKey(Ref.to(service), port, domains),
            () -> virtualHost(service, port, domains)));
      }
      // first in service order wins; the loser is reported, never sent to Envoy
      lost.forEach((holder, dropped) -> conflicts.add(new Conflict(Conflict.objectOf(service),
          "route " + routeName + ": " + (dropped.size() == 1 ? "domain " : "domains ") + String.join(", ", dropped)
              + " already served by " + holder
              + (domains.isEmpty() ? "; virtual host " + vhostName + " dropped" : "; dropped from " + vhostName))));
    }
    GenerationConflicts.shared().replace(new GeneratedResource("RDS", routeName, proxy.namespace()), conflicts);
    hosts.sort(Comparator.comparing(VirtualHost::getName));
    hosts.add(CatchAllVirtualHost.of(scope.outboundTrafficPolicy()));
    return configuration(routeName).addAllVirtualHosts(hosts).build();
  }

  private static String lower(String domain) {
    return domain.toLowerCase(Locale.ROOT);
  }

  private static Optional<RouteConfiguration> forService(String routeName, Service service, int port) {
    return routedPort(service, port).map(p ->
        configuration(routeName).addVirtualHosts(virtualHost(service, port, List.of("*"))).build());
  }

  /** The port when the service routes HTTP on it (HTTP-family or sniffed) and has a cluster for it. */
  private static Optional<Port> routedPort(Service service, int number) {
    return OutboundPorts.routed(service, number);
  }

  private static VirtualHost virtualHost(Service service, int port, List<String> domains) {
    return VirtualHost.newBuilder()
        .setName(RouteNames.forService(service.hostname(), port))
        .addAllDomains(domains)
        .addRoutes(DefaultRoute.of(service.hostname(), port))
        .setIncludeRequestAttemptCount(true)
        .build();
  }

  private static RouteConfiguration.Builder configuration(String name) {
    return RouteConfiguration.newBuilder()
        .setName(name)
        .setValidateClusters(BoolValue.of(false))
        .setMaxDirectResponseBodySizeBytes(UInt32Value.of(MAX_DIRECT_RESPONSE_BODY))
        .setIgnorePortInHostMatching(true);
  }

  private static RouteConfiguration empty(String name) {
    return RouteConfiguration.newBuilder().setName(name).setValidateClusters(BoolValue.of(false)).build();
  }
}
