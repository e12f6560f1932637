package io.meshpilot.xds.cluster;

import io.meshpilot.registry.networking.DestinationRule.PortTrafficPolicy;
import io.meshpilot.registry.networking.DestinationRule.TrafficPolicy;
import java.util.List;

/**
 * The traffic policy that shapes one cluster, merged from a DestinationRule's levels as istiod
 * merges them (util.GetPortLevelTrafficPolicy, MergeSubsetTrafficPolicy): a port-level policy
 * replaces the rule-level one wholesale (its omitted fields fall back to defaults, not to the
 * rule's); a subset's policy overrides field by field, and its own port level replaces all four.
 */
public final class TrafficPolicies {
  private TrafficPolicies() {}

  /** The policy for this port of the host: the port-level one when the rule has one, else the rule's. */
  public static TrafficPolicy forPort(TrafficPolicy policy, int port) {
    if (policy == null) {
      return null;
    }
    for (PortTrafficPolicy level : policy.portLevelSettings()) {
      if (level.port() != null && level.port().number() != null && level.port().number() == port) {
        return new TrafficPolicy(level.loadBalancer(), level.connectionPool(), level.outlierDetection(),
            level.tls(), List.of(), null);
      }
    }
    return policy;
  }

  /** The policy for a subset cluster of this port. */
  public static TrafficPolicy forSubset(TrafficPolicy rulePolicy, TrafficPolicy subsetPolicy, int port) {
    TrafficPolicy original = forPort(rulePolicy, port);
    if (subsetPolicy == null) {
      return original;
    }
    TrafficPolicy subset = forPort(subsetPolicy, port);
    if (original == null) {
      return subset;
    }
    boolean portLevel = subset != subsetPolicy;
    return new TrafficPolicy(
        subset.loadBalancer() != null || portLevel ? subset.loadBalancer() : original.loadBalancer(),
        subset.connectionPool() != null || portLevel ? subset.connectionPool() : original.connectionPool(),
        subset.outlierDetection() != null || portLevel ? subset.outlierDetection() : original.outlierDetection(),
        subset.tls() != null || portLevel ? subset.tls() : original.tls(),
        List.of(),
        subset.proxyProtocol() != null ? subset.proxyProtocol() : original.proxyProtocol());
  }
}
