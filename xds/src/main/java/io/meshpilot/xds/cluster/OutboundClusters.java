package io.meshpilot.xds.cluster;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.network.dns_resolver.cares.v3.CaresDnsResolverConfig;
import io.envoyproxy.envoy.type.v3.Percent;
import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.model.Resolution;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.xds.cache.Ref;
import io.meshpilot.xds.endpoint.EndpointHealth;
import io.meshpilot.xds.endpoint.LocalityEndpoints;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.view.PushContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@code outbound|<port>||<host>} cluster of one service port; the discovery type
 * follows the service's resolution (reference istio-xds.md §3.3).
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
   * Everything an outbound cluster is built from: the service and port, the DNS family the proxy
   * resolves with, the connect timeout, and for DNS services (whose endpoints are inlined) the
   * endpoint list; EDS clusters do not depend on endpoints at all.
   */
  private record Key(Ref<Service> service, int port, Cluster.DnsLookupFamily family, Duration connectTimeout,
      Ref<List<Endpoint>> inlinedEndpoints) {}

  /**
   * The cluster, or empty when istiod builds none (Alias, DYNAMIC_DNS, a DNS service without
   * endpoints); from the push's resource cache when nothing it depends on changed.
   */
  static Optional<Cluster> build(Service service, Port port, Proxy proxy, PushContext push) {
    boolean dns = service.resolution() == Resolution.DNS_LB || service.resolution() == Resolution.DNS_ROUND_ROBIN_LB;
    Key key = new Key(Ref.to(service), port.port(), lookupFamily(proxy), timeout(push),
        dns ? Ref.to(push.endpoints(service, port)) : null);
    return push.cache().get(key, () -> generate(service, port, proxy, push));
  }

  private static Optional<Cluster> generate(Service service, Port port, Proxy proxy, PushContext push) {
    String name = ClusterNames.outbound(port.port(), service.hostname());
    Cluster.Builder cluster;
    switch (service.resolution()) {
      case CLIENT_SIDE_LB -> cluster = ClusterDefaults.cluster(name, Cluster.DiscoveryType.EDS, timeout(push))
          .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
              .setServiceName(name).setEdsConfig(AdsConfigSource.ads()));
      case PASSTHROUGH -> cluster = passthrough(name, service, port, push);
      case DNS_LB, DNS_ROUND_ROBIN_LB -> {
        Optional<Cluster.Builder> dns = dns(name, service, port, proxy, push);
        if (dns.isEmpty()) {
          log.debug("cluster {} dropped: DNS service without endpoints", name);
          return Optional.empty();
        }
        cluster = dns.get();
      }
      default -> {
        return Optional.empty(); // ALIAS has no cluster; DYNAMIC_DNS needs the dynamic forward proxy
      }
    }
    cluster.setMetadata(ServiceMetadata.of(List.of(service), service.meshExternal()));
    ClusterDefaults.protocolOptions(port.protocol())
        .ifPresent(options -> cluster.putTypedExtensionProtocolOptions(ClusterDefaults.PROTOCOL_OPTIONS_KEY, options));
    if (EndpointHealth.supportsUnhealthy(service)) {
      cluster.setCommonLbConfig(Cluster.CommonLbConfig.newBuilder()
          .setHealthyPanicThreshold(Percent.newBuilder().setValue(0)));
    }
    return Optional.of(cluster.build());
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

  private static Optional<Cluster.Builder> dns(String name, Service service, Port port, Proxy proxy, PushContext push) {
    boolean logical = service.resolution() == Resolution.DNS_ROUND_ROBIN_LB
        || service.attributes().dnsConnectStrategy() == RACE_FIRST_TCP_CONNECT;
    List<LocalityLbEndpoints> endpoints = LocalityEndpoints.build(service, push.endpoints(service, port));
    if (endpoints.isEmpty()) {
      return Optional.empty();
    }
    if (logical) {
      endpoints = List.of(firstEndpointOnly(endpoints.get(0)));
    }
    return Optional.of(ClusterDefaults.cluster(name,
            logical ? Cluster.DiscoveryType.LOGICAL_DNS : Cluster.DiscoveryType.STRICT_DNS, timeout(push))
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
