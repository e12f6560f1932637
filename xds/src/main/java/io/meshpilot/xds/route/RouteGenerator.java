package io.meshpilot.xds.route;

import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.networking.Destination;
import io.meshpilot.xds.cache.Ref;
import io.meshpilot.xds.cluster.HashPolicies;
import io.meshpilot.xds.conflict.Conflict;
import io.meshpilot.xds.conflict.GeneratedResource;
import io.meshpilot.xds.conflict.GenerationConflicts;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.view.DestinationRules;
import io.meshpilot.xds.view.MeshVirtualService;
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
 * RDS for sidecars (reference istio-xds.md §2). {@code "<port>"}: the virtual hosts of the port
 * (sorted by name), then the catch-all. VirtualServices come first, in istiod's order: each gives
 * its routes to the services it claims and a virtual host to each other host it names; every other
 * HTTP or sniffed service gets its default route. A virtual host name or domain already taken
 * (domains compared case-insensitively, as Envoy does) stays with the first, and the other is
 * reported to {@link GenerationConflicts}. {@code "<host>:<port>"}: only that service's virtual
 * host, matching any authority. Anything else: an empty configuration of that name, as istiod
 * answers, so the listener can finish warming.
 */
public final class RouteGenerator {
  private static final int MAX_DIRECT_RESPONSE_BODY = 1024 * 1024;

  /**
   * A default virtual host depends on its service, port and domains (chosen per route), on the
   * hash policy its DestinationRule gives the default route (none for almost every service), and
   * on the mesh's default retry policy.
   */
  private record VirtualHostKey(Ref<Service> service, int port, List<String> domains,
      Optional<RouteAction.HashPolicy> hash, RetryPolicies retries) {}

  /** A VirtualService's virtual host: its name, domains and the (cached) routes it carries. */
  private record RoutedVirtualHostKey(String name, List<String> domains, Ref<List<Route>> routes) {}

  /**
   * A VirtualService's routes depend on its merged spec and metadata (by value, so an unchanged
   * VirtualService keeps its routes across config changes), the port, the proxy's route source and
   * the client flavour, and the mesh's default retry policy.
   */
  private record RoutesKey(MeshVirtualService virtualService, int port, RouteSource source,
      VirtualServiceRoutes.Client client, Optional<HashScope> hashes, RetryPolicies retries) {}

  /**
   * What the hash policies of a proxy's routes depend on when some DestinationRule hashes: the rules
   * (by identity) and what picks the one that applies (the proxy's namespace and the selector rules
   * choosing it). Without hashing rules routes depend on no DestinationRule and stay shared.
   */
  private record HashScope(Ref<DestinationRules> rules, String namespace, List<ObjectKey> selectingRules) {}

  private RouteGenerator() {}

  public static RouteConfiguration generate(String routeName, Proxy proxy, PushContext push) {
    Optional<Integer> port = RouteNames.parsePort(routeName);
    if (port.isPresent()) {
      List<VirtualHost> hosts = new ArrayList<>(virtualHosts(routeName, port.get(), proxy, push));
      hosts.add(CatchAllVirtualHost.of(push.sidecarScope(proxy)));
      return configuration(routeName).addAllVirtualHosts(hosts).build();
    }
    return RouteNames.parseService(routeName)
        .flatMap(sp -> push.service(proxy, sp.hostname())
            .filter(s -> push.sidecarScope(proxy).services().routed(s, sp.port()).isPresent())
            .map(s -> forService(routeName, s, sp.port(), proxy, push)))
        .orElseGet(() -> empty(routeName));
  }

  /**
   * A sniffed service's own route (istiod's {@code getVirtualHostsForSniffedServicePort}): its
   * virtual host of the port, with the routes its VirtualService gives it, matching any authority.
   */
  private static RouteConfiguration forService(String routeName, Service service, int port, Proxy proxy,
      PushContext push) {
    List<Route> routes = virtualServiceRoutes(service, port, proxy, push, VirtualServiceRoutes.Client.SIDECAR)
        .orElseGet(() -> List.of(defaultRoute(service, port, proxy, push)));
    return configuration(routeName)
        .addVirtualHosts(virtualHost(RouteNames.forService(service.hostname(), port), List.of("*"), routes))
        .build();
  }

  /** The proxy's route source: its namespace and the VirtualService source selectors its labels satisfy. */
  public static RouteSource source(Proxy proxy, PushContext push) {
    return new RouteSource(proxy.namespace(), push.virtualServices().selectorsMatching(proxy.labels()));
  }

  /**
   * A VirtualService's routes on a port for a source, built once and shared while the
   * VirtualService is unchanged.
   */
  private static List<Route> routes(MeshVirtualService vs, int port, RouteSource source, Proxy proxy,
      PushContext push, VirtualServiceRoutes.Client client) {
    DestinationRules rules = push.destinationRules();
    RetryPolicies retries = retries(push);
    if (!rules.hashing()) {
      return push.cache().get(new RoutesKey(vs, port, source, client, Optional.empty(), retries),
          () -> VirtualServiceRoutes.build(vs, port, source, DestinationHashes.NONE, client, retries));
    }
    HashScope scope = new HashScope(Ref.to(rules), proxy.namespace(), rules.selecting(proxy.namespace(), proxy.labels()));
    return push.cache().get(new RoutesKey(vs, port, source, client, Optional.of(scope), retries),
        () -> VirtualServiceRoutes.build(vs, port, source, destination -> hashPolicy(destination, port, proxy, push),
            client, retries));
  }

  /** The retry policies of the mesh (MeshConfig {@code defaultHttpRetryPolicy}). */
  private static RetryPolicies retries(PushContext push) {
    return RetryPolicies.forMesh(push.settings().defaultHttpRetryPolicy());
  }

  /** The hash policy the DestinationRule of a route destination gives it (the listen port when it names none). */
  private static Optional<RouteAction.HashPolicy> hashPolicy(Destination destination, int listenPort, Proxy proxy,
      PushContext push) {
    if (destination == null || destination.host() == null) {
      return Optional.empty();
    }
    int port = destination.port() != null && destination.port().number() != null
        ? destination.port().number() : listenPort;
    String subset = destination.subset() == null ? "" : destination.subset();
    return push.service(proxy, destination.host())
        .flatMap(service -> HashPolicies.forDestination(push, proxy, service, port, subset));
  }

  /** A service's default route, with its DestinationRule's hash policy when it has one. */
  public static Route defaultRoute(Service service, int port, Proxy proxy, PushContext push) {
    return DefaultRoute.of(service.hostname(), port, defaultHash(service, port, proxy, push), retries(push));
  }

  /** The hash policy of a service's default route: its DestinationRule's, looked up only when some rule hashes. */
  private static Optional<RouteAction.HashPolicy> defaultHash(Service service, int port, Proxy proxy,
      PushContext push) {
    return push.destinationRules().hashing()
        ? HashPolicies.forDestination(push, proxy, service, port, "") : Optional.empty();
  }

  /**
   * The routes the proxy's VirtualServices give this service on this port, if one claims it (the
   * same choice as for sidecars, istiod's {@code BuildSidecarOutboundVirtualHosts}); empty when the
   * service keeps its default route.
   */
  public static Optional<List<Route>> virtualServiceRoutes(Service service, int port, Proxy proxy, PushContext push,
      VirtualServiceRoutes.Client client) {
    List<MeshVirtualService> visible = push.sidecarScope(proxy).egressForRoute(port)
        .map(SidecarScope.Egress::virtualServices).orElse(List.of());
    if (visible.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Service> services = new LinkedHashMap<>();
    ScopedServices scoped = push.sidecarScope(proxy).services();
    scoped.services().stream().filter(s -> scoped.routed(s, port).isPresent())
        .forEach(s -> services.putIfAbsent(lower(s.hostname()), s));
    RouteSource source = source(proxy, push);
    for (VirtualHostSources.Claim claim : VirtualHostSources.claims(port, services, visible)) {
      if (claim.services().contains(service)) {
        List<Route> routes = routes(claim.virtualService(), port, source, proxy, push, client);
        if (!routes.isEmpty()) {
          return Optional.of(routes);
        }
      }
    }
    return Optional.empty();
  }

  /** The port's virtual hosts before the catch-all, sorted by name. */
  private static List<VirtualHost> virtualHosts(String routeName, int port, Proxy proxy, PushContext push) {
    // a port-specific egress listener's route holds only its own hosts (istiod's GetEgressListenerForRDS)
    Optional<SidecarScope.Egress> egress = push.sidecarScope(proxy).egressForRoute(port);
    ScopedServices imported = egress.map(SidecarScope.Egress::services).orElse(ScopedServices.NONE);
    List<Service> routed = imported.services().stream().filter(s -> imported.routed(s, port).isPresent()).toList();
    Map<String, Service> services = new LinkedHashMap<>(); // by lower-cased hostname, for VirtualService hosts
    routed.forEach(s -> services.putIfAbsent(lower(s.hostname()), s));
    RouteSource source = source(proxy, push);
    // only the VirtualServices the listener's hosts select (istiod's egressListener.VirtualServices())
    List<VirtualHostSources.Claim> claims = VirtualHostSources.claims(port, services,
        egress.map(SidecarScope.Egress::virtualServices).orElse(List.of()));
    Builder builder = new Builder(routeName, port, proxy, push,
        routed.stream().map(s -> lower(s.hostname())).collect(java.util.stream.Collectors.toSet()));
    Set<Service> claimed = new HashSet<>();
    for (VirtualHostSources.Claim claim : claims) {
      List<Route> routes = routes(claim.virtualService(), port, source, proxy, push,
          VirtualServiceRoutes.Client.SIDECAR);
      if (routes.isEmpty()) {
        continue; // no route applies on this port or to this source: the services keep their defaults
      }
      claimed.addAll(claim.services());
      for (String host : claim.otherHosts()) {
        builder.addHost(claim.virtualService(), host, routes);
      }
      for (Service service : claim.services()) {
        builder.addService(service, routes);
      }
    }
    for (Service service : routed) {
      if (!claimed.contains(service)) {
        builder.addService(service, null);
      }
    }
    GenerationConflicts.shared().replace(new GeneratedResource("RDS", routeName, proxy.namespace()),
        builder.conflicts);
    List<VirtualHost> hosts = builder.hosts;
    hosts.sort(Comparator.comparing(VirtualHost::getName));
    return hosts;
  }

  /**
   * Collects virtual hosts in order, keeping each name and domain with its first holder (istiod's
   * {@code dedupeDomains}); the losers are reported.
   */
  private static final class Builder {
    private final String routeName;
    private final int port;
    private final Proxy proxy;
    private final PushContext push;
    private final Set<String> hostnames;
    private final Set<String> names = new HashSet<>();
    private final Map<String, String> holders = new HashMap<>(); // lower-cased domain -> who serves it
    private final Set<Conflict> conflicts = new HashSet<>();
    private final List<VirtualHost> hosts = new ArrayList<>();

    Builder(String routeName, int port, Proxy proxy, PushContext push, Set<String> hostnames) {
      this.routeName = routeName;
      this.port = port;
      this.proxy = proxy;
      this.push = push;
      this.hostnames = hostnames;
      holders.put("*", "the catch-all virtual host"); // appended last, it must keep "*"
    }

    /** A host a VirtualService names that is no service: its routes under that name only. */
    void addHost(MeshVirtualService vs, String host, List<Route> routes) {
      String self = "VirtualService " + vs.namespace() + "/" + vs.name();
      String domain = lower(host); // istiod lower-cases a VirtualService host it builds a virtual host for
      String name = RouteNames.forService(domain, port);
      ObjectKey key = vs.meta().key();
      if (!names.add(name)) {
        conflicts.add(new Conflict(key, "route " + routeName + ": virtual host " + name + " already exists"));
        return;
      }
      List<String> domains = claim(List.of(domain), domain, self, key, name);
      if (!domains.isEmpty()) {
        hosts.add(push.cache().get(new RoutedVirtualHostKey(name, domains, Ref.to(routes)),
            () -> virtualHost(name, domains, routes)));
      }
    }

    /** A service's virtual host, with the VirtualService routes it was claimed with, else its default. */
    void addService(Service service, List<Route> routes) {
      String name = RouteNames.forService(service.hostname(), port);
      if (!names.add(name)) {
        conflicts.add(new Conflict(Conflict.objectOf(service), "route " + routeName + ": virtual host " + name
            + " already exists"));
        return;
      }
      List<String> candidates;
      try {
        candidates = VirtualHostDomains.of(service, proxy);
      } catch (RuntimeException e) {
        conflicts.add(Conflict.generationFailed(service, "virtual host of route " + routeName, e));
        return;
      }
      List<String> domains = claim(candidates, service.hostname(), Conflict.describe(service),
          Conflict.objectOf(service), name);
      if (domains.isEmpty()) {
        return;
      }
      Optional<RouteAction.HashPolicy> hash = defaultHash(service, port, proxy, push);
      RetryPolicies retries = retries(push);
      hosts.add(routes == null
          ? push.cache().get(new VirtualHostKey(Ref.to(service), port, domains, hash, retries),
              () -> virtualHost(name, domains, List.of(DefaultRoute.of(service.hostname(), port, hash, retries))))
          : push.cache().get(new RoutedVirtualHostKey(name, domains, Ref.to(routes)),
              () -> virtualHost(name, domains, routes)));
    }

    /** The candidates no earlier virtual host holds; first in order wins, the loser is reported. */
    private List<String> claim(List<String> candidates, String hostname, String self, ObjectKey owner,
        String vhostName) {
      List<String> domains = new ArrayList<>();
      Map<String, List<String>> lost = new LinkedHashMap<>(); // holder -> domains it kept from this one
      for (String domain : candidates) {
        String key = lower(domain);
        if (!key.equals(lower(hostname)) && hostnames.contains(key)) {
          continue; // a short name never shadows another service's FQDN (istiod drops it silently)
        }
        String holder = holders.putIfAbsent(key, self);
        if (holder == null) {
          domains.add(domain);
        } else if (!holder.equals(self)) {
          lost.computeIfAbsent(holder, h -> new ArrayList<>()).add(domain);
        }
      }
      lost.forEach((holder, dropped) -> conflicts.add(new Conflict(owner, "route " + routeName + ": "
          + (dropped.size() == 1 ? "domain " : "domains ") + String.join(", ", dropped)
          + " already served by " + holder
          + (domains.isEmpty() ? "; virtual host " + vhostName + " dropped" : "; dropped from " + vhostName))));
      return domains;
    }
  }

  private static String lower(String domain) {
    return domain.toLowerCase(Locale.ROOT);
  }

  private static VirtualHost virtualHost(String name, List<String> domains, List<Route> routes) {
    return VirtualHost.newBuilder()
        .setName(name)
        .addAllDomains(domains)
        .addAllRoutes(routes)
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
