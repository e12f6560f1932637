package io.meshpilot.xds.cluster;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.network.dns_resolver.cares.v3.CaresDnsResolverConfig;
import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.model.Resolution;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.networking.DestinationRule;
import io.meshpilot.xds.cache.Ref;
import io.meshpilot.xds.conflict.Conflict;
import io.meshpilot.xds.endpoint.LocalityEndpoints;
import io.meshpilot.xds.endpoint.LocalityLbPolicy;
import io.meshpilot.xds.endpoint.SubsetEndpoints;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.view.AppliedDestinationRule;
import io.meshpilot.xds.view.PushContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound clusters of one service port: the default {@code outbound|<port>||<host>} one and,
 * when a DestinationRule applies, one {@code outbound|<port>|<subset>|<host>} per subset, each with
 * the rule's policy merged for its port and subset (istiod's applyDestinationRule). The discovery
 * type follows the service's resolution (reference istio-xds.md §3.3); a PASSTHROUGH load balancer
 * makes a cluster ORIGINAL_DST.
 */
final class OutboundClusters {
  private static final Logger log = LoggerFactory.getLogger(OutboundClusters.class);
  private static final int RACE_FIRST_TCP_CONNECT = 1;
  private static final TypedExtensionConfig CARES = TypedExtensionConfig.newBuilder()
      .setName("envoy.network.dns_resolver.cares")
      .setTypedConfig(Any.pack(CaresDnsResolverConfig.newBuilder()
          .setUdpMaxQueries(UInt32Value.of(100)).build()))
      .build();

  private OutboundClusters() {}

  /**
   * Everything the clusters of a service port are built from: the service and port, the DNS family
   * the proxy resolves with, the mesh's connect timeout and keepalive, for DNS services (whose endpoints are inlined)
   * the endpoint list, and the DestinationRule that applies, by value (a push after a change to
   * another rule, or to a VirtualService, finds these clusters unchanged). EDS clusters do not
   * depend on endpoints at all.
   */
  private record Key(Ref<Service> service, int port, Cluster.DnsLookupFamily family, UpstreamDefaults mesh,
      Ref<List<Endpoint>> inlinedEndpoints, AppliedDestinationRule rule) {}

  /**
   * What one service port yields: its clusters in istiod's order (default, then subsets in the
   * rule's order), and the rule policies refused, each leaving its cluster out.
   */
  record Built(List<Cluster> clusters, List<Conflict> refused) {
    static final Built NONE = new Built(List.of(), List.of());
  }

  /**
   * The clusters, none when istiod builds none (Alias, DYNAMIC_DNS, a DNS service without
   * endpoints); from the push's resource cache when nothing they depend on changed.
   */
  static Built build(Service service, Port port, Proxy proxy, PushContext push) {
    boolean dns = service.resolution() == Resolution.DNS_LB || service.resolution() == Resolution.DNS_ROUND_ROBIN_LB;
    AppliedDestinationRule rule = push.destinationRule(proxy, service).orElse(null);
    Key key = new Key(Ref.to(service), port.port(), lookupFamily(proxy), UpstreamDefaults.of(push.settings()),
        dns ? Ref.to(push.endpoints(service, port)) : null, rule);
    return push.cache().get(key, () -> generate(service, port, proxy, push, rule));
  }

  private static Built generate(Service service, Port port, Proxy proxy, PushContext push,
      AppliedDestinationRule rule) {
    String name = ClusterNames.outbound(port.port(), service.hostname());
    Optional<Cluster.DiscoveryType> type = discoveryType(service);
    if (type.isEmpty()) {
      return Built.NONE; // ALIAS has no cluster; DYNAMIC_DNS needs the dynamic forward proxy
    }
    // only DNS clusters inline their endpoints; EDS and ORIGINAL_DST ones do not read them at all
    boolean inlined = type.get() == Cluster.DiscoveryType.STRICT_DNS || type.get() == Cluster.DiscoveryType.LOGICAL_DNS;
    List<Endpoint> endpoints = inlined ? push.endpoints(service, port) : List.of();
    Optional<Cluster.Builder> shell = shell(name, type.get(), service, port, proxy, push, endpoints);
    if (shell.isEmpty()) {
      log.debug("cluster {} dropped: DNS service without endpoints", name);
      return Built.NONE;
    }
    List<Cluster> clusters = new ArrayList<>();
    List<Conflict> refused = new ArrayList<>();
    DestinationRule.TrafficPolicy rulePolicy = rule == null ? null : rule.rule().trafficPolicy();
    finish(shell.get(), service, port, push, rule, "", TrafficPolicies.forPort(rulePolicy, port.port()),
        clusters, refused);
    if (rule == null) {
      return new Built(List.copyOf(clusters), List.of());
    }
    for (DestinationRule.Subset subset : rule.rule().subsets()) {
      String subsetName = ClusterNames.outbound(port.port(), subset.name(), service.hostname());
      boolean passthrough = subset.trafficPolicy() != null && subset.trafficPolicy().loadBalancer() != null
          && "PASSTHROUGH".equals(subset.trafficPolicy().loadBalancer().simple());
      Cluster.DiscoveryType subsetType = passthrough ? Cluster.DiscoveryType.ORIGINAL_DST : type.get();
      List<Endpoint> selected = subsetType == Cluster.DiscoveryType.EDS || passthrough ? List.of()
          : SubsetEndpoints.select(endpoints, subset.labels());
      Optional<Cluster.Builder> subsetShell = shell(subsetName, subsetType, service, port, proxy, push, selected);
      if (subsetShell.isEmpty()) {
        log.debug("cluster {} dropped: no endpoints carry the subset's labels", subsetName);
        continue;
      }
      finish(subsetShell.get(), service, port, push, rule, subset.name(),
          TrafficPolicies.forSubset(rulePolicy, subset.trafficPolicy(), port.port()), clusters, refused);
    }
    return new Built(List.copyOf(clusters), List.copyOf(refused));
  }

  /** The cluster of this type before any policy: endpoints inlined for STATIC and DNS types, or empty without any. */
  private static Optional<Cluster.Builder> shell(String name, Cluster.DiscoveryType type, Service service, Port port,
      Proxy proxy, PushContext push, List<Endpoint> endpoints) {
    return switch (type) {
      case ORIGINAL_DST -> Optional.of(passthrough(name, service, port, push));
      case STRICT_DNS, LOGICAL_DNS -> dns(name, type, service, proxy, push, endpoints);
      default -> Optional.of(ClusterDefaults.cluster(name, type, timeout(push)));
    };
  }

  /** Applies the policy and metadata and adds the cluster, or records why the rule's policy was refused. */
  private static void finish(Cluster.Builder cluster, Service service, Port port, PushContext push,
      AppliedDestinationRule rule, String subset, DestinationRule.TrafficPolicy policy, List<Cluster> clusters,
      List<Conflict> refused) {
    HttpOptions http = HttpOptions.forProtocol(port.protocol());
    try {
      ClusterPolicy.apply(cluster, http, policy, UpstreamDefaults.of(push.settings()), service,
          LocalityLbPolicy.of(policy, service, push.settings().localityLbSetting()));
    } catch (RuntimeException e) {
      refused.add(new Conflict(rule.object(), "cluster " + cluster.getName() + " not generated, left out: "
          + e.getMessage()));
      return;
    }
    if (cluster.getType() == Cluster.DiscoveryType.EDS) {
      cluster.setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
          .setServiceName(cluster.getName()).setEdsConfig(AdsConfigSource.ads()));
    }
    cluster.setMetadata(rule == null ? ServiceMetadata.of(List.of(service), service.meshExternal())
        : ServiceMetadata.of(List.of(service), service.meshExternal(), rule.configPath(), subset,
            UpstreamTls.overridesAlpn(policy == null ? null : policy.tls())));
    http.build().ifPresent(options -> cluster.putTypedExtensionProtocolOptions(HttpOptions.KEY, options));
    clusters.add(cluster.build());
  }

  private static Optional<Cluster.DiscoveryType> discoveryType(Service service) {
    return switch (service.resolution()) {
      case CLIENT_SIDE_LB -> Optional.of(Cluster.DiscoveryType.EDS);
      case PASSTHROUGH -> Optional.of(Cluster.DiscoveryType.ORIGINAL_DST);
      case DNS_LB -> Optional.of(service.attributes().dnsConnectStrategy() == RACE_FIRST_TCP_CONNECT
          ? Cluster.DiscoveryType.LOGICAL_DNS : Cluster.DiscoveryType.STRICT_DNS);
      case DNS_ROUND_ROBIN_LB -> Optional.of(Cluster.DiscoveryType.LOGICAL_DNS);
      default -> Optional.empty();
    };
  }

  private static Cluster.Builder passthrough(String name, Service service, Port port, PushContext push) {
    Cluster.Builder cluster = ClusterDefaults.cluster(name, Cluster.DiscoveryType.ORIGINAL_DST, timeout(push));
    Integer target = service.attributes().passthroughTargetPorts().get(port.port());
    if (target != null) {
      cluster.setOriginalDstLbConfig(Cluster.OriginalDstLbConfig.newBuilder()
          .setUpstreamPortOverride(UInt32Value.of(target)));
    }
    return cluster;
  }

  private static Optional<Cluster.Builder> dns(String name, Cluster.DiscoveryType type, Service service, Proxy proxy,
      PushContext push, List<Endpoint> selected) {
    List<LocalityLbEndpoints> endpoints = LocalityEndpoints.build(service, selected);
    if (endpoints.isEmpty()) {
      return Optional.empty();
    }
    if (type == Cluster.DiscoveryType.LOGICAL_DNS) {
      endpoints = List.of(firstEndpointOnly(endpoints.get(0)));
    }
    return Optional.of(ClusterDefaults.cluster(name, type, timeout(push))
        .setLoadAssignment(ClusterLoadAssignment.newBuilder().setClusterName(name).addAllEndpoints(endpoints))
        .setDnsLookupFamily(lookupFamily(proxy))
        .setDnsRefreshRate(Durations.fromSeconds(60))
        .setDnsJitter(Durations.fromMillis(100))
        .setRespectDnsTtl(true)
        .setTypedDnsResolverConfig(CARES));
  }

  /** Envoy accepts exactly one endpoint in a LOGICAL_DNS cluster. */
  private static LocalityLbEndpoints firstEndpointOnly(LocalityLbEndpoints locality) {
    var first = locality.getLbEndpoints(0);
    return locality.toBuilder().clearLbEndpoints().addLbEndpoints(first)
        .setLoadBalancingWeight(first.getLoadBalancingWeight()).build();
  }

  private static Cluster.DnsLookupFamily lookupFamily(Proxy proxy) {
    return proxy.ipv4() ? Cluster.DnsLookupFamily.V4_ONLY : Cluster.DnsLookupFamily.V6_ONLY;
  }

  private static Duration timeout(PushContext push) {
    return push.settings().connectTimeout();
  }
}
