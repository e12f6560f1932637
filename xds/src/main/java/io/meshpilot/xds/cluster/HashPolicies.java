package io.meshpilot.xds.cluster;

import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.networking.DestinationRule;
import io.meshpilot.registry.networking.DestinationRule.ConsistentHash;
import io.meshpilot.registry.networking.DestinationRule.PortTrafficPolicy;
import io.meshpilot.registry.networking.DestinationRule.TrafficPolicy;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.view.AppliedDestinationRule;
import io.meshpilot.xds.view.PushContext;
import java.util.Optional;

/**
 * The route side of a DestinationRule's consistent-hash load balancing: the {@code hash_policy} a
 * route to one destination must carry so that its ring-hash or Maglev cluster sees a hash key
 * (istiod's HashForHTTPDestination and ConsistentHashToHashPolicy). Route generators call
 * {@link #forDestination} for every route destination (default routes pass no subset).
 */
public final class HashPolicies {
  private HashPolicies() {}

  /**
   * The hash policy for traffic from {@code proxy} to {@code service} on {@code port} (and
   * {@code subset}, {@code ""} for none), or empty when the rule that applies hashes nothing.
   * Precedence as istiod: the subset's port level, the subset, the rule's port level, the rule.
   */
  public static Optional<RouteAction.HashPolicy> forDestination(PushContext push, Proxy proxy, Service service,
      int port, String subset) {
    return push.destinationRule(proxy, service)
        .flatMap(rule -> consistentHash(rule, port, subset))
        .flatMap(HashPolicies::toHashPolicy);
  }

  static Optional<ConsistentHash> consistentHash(AppliedDestinationRule applied, int port, String subset) {
    DestinationRule rule = applied.rule();
    ConsistentHash hash = lbHash(rule.trafficPolicy());
    ConsistentHash portHash = portHash(rule.trafficPolicy(), port);
    ConsistentHash subsetHash = null;
    ConsistentHash subsetPortHash = null;
    if (!subset.isEmpty()) {
      Optional<DestinationRule.Subset> found = applied.subset(subset);
      if (found.isPresent()) {
        subsetHash = lbHash(found.get().trafficPolicy());
        subsetPortHash = portHash(found.get().trafficPolicy(), port);
      }
    }
    if (subsetPortHash != null) {
      return Optional.of(subsetPortHash);
    }
    if (subsetHash != null) {
      return Optional.of(subsetHash);
    }
    return Optional.ofNullable(portHash != null ? portHash : hash);
  }

  private static ConsistentHash lbHash(TrafficPolicy policy) {
    return policy == null || policy.loadBalancer() == null ? null : policy.loadBalancer().consistentHash();
  }

  private static ConsistentHash portHash(TrafficPolicy policy, int port) {
    if (policy == null) {
      return null;
    }
    for (PortTrafficPolicy level : policy.portLevelSettings()) {
      if (level.port() != null && level.port().number() != null && level.port().number() == port) {
        return level.loadBalancer() == null ? null : level.loadBalancer().consistentHash();
      }
    }
    return null;
  }

  /** istiod's ConsistentHashToHashPolicy: header, cookie (name, path, ttl), source IP or query parameter. */
  static Optional<RouteAction.HashPolicy> toHashPolicy(ConsistentHash hash) {
    RouteAction.HashPolicy.Builder policy = RouteAction.HashPolicy.newBuilder();
    if (hash.httpHeaderName() != null) {
      policy.setHeader(RouteAction.HashPolicy.Header.newBuilder().setHeaderName(hash.httpHeaderName()));
    } else if (hash.httpCookie() != null) {
      RouteAction.HashPolicy.Cookie.Builder cookie = RouteAction.HashPolicy.Cookie.newBuilder()
          .setName(nullToEmpty(hash.httpCookie().name()))
          .setPath(nullToEmpty(hash.httpCookie().path()));
      if (hash.httpCookie().ttl() != null) {
        cookie.setTtl(ClusterPolicy.duration("consistentHash.httpCookie.ttl", hash.httpCookie().ttl()));
      }
      policy.setCookie(cookie);
    } else if (hash.useSourceIp() != null) {
      policy.setConnectionProperties(RouteAction.HashPolicy.ConnectionProperties.newBuilder()
          .setSourceIp(hash.useSourceIp()));
    } else if (hash.httpQueryParameterName() != null) {
      policy.setQueryParameter(RouteAction.HashPolicy.QueryParameter.newBuilder()
          .setName(hash.httpQueryParameterName()));
    } else {
      return Optional.empty();
    }
    return Optional.of(policy.build());
  }

  private static String nullToEmpty(String value) {
    return value == null ? "" : value;
  }
}
