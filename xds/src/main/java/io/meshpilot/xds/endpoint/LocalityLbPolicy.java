package io.meshpilot.xds.endpoint;

import io.meshpilot.registry.TopologyLabels;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.networking.DestinationRule.LocalityLbSetting;
import io.meshpilot.registry.networking.DestinationRule.TrafficPolicy;
import io.meshpilot.registry.networking.DestinationRule;
import io.meshpilot.xds.cluster.TrafficPolicies;
import io.meshpilot.xds.view.AppliedDestinationRule;
import io.meshpilot.xds.view.DestinationRules;
import io.meshpilot.xds.view.PushContext;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The locality load balancing one cluster gets, resolved as istiod's GetEffectiveLbSetting: the
 * DestinationRule's {@code localityLbSetting} (for the cluster's port and subset), else a
 * {@code trafficDistribution} preference of the service, else MeshConfig's; {@code enabled: false}
 * at the level that decides turns it off. Compared by value, so it can be part of a cache key.
 *
 * @param setting the effective setting
 * @param failover whether failover applies: the merged policy has outlierDetection (without it Envoy
 *     would never notice a locality failing), or a trafficDistribution preference forces it
 */
public record LocalityLbPolicy(LocalityLbSetting setting, boolean failover) {
  /** istiod's PreferSameZone failover labels. */
  private static final List<String> PREFER_SAME_ZONE =
      List.of(TopologyLabels.NETWORK, TopologyLabels.REGION, TopologyLabels.ZONE);
  /** istiod's PreferSameNode failover labels. */
  private static final List<String> PREFER_SAME_NODE = List.of(TopologyLabels.NETWORK, TopologyLabels.REGION,
      TopologyLabels.ZONE, TopologyLabels.SUBZONE, TopologyLabels.HOSTNAME);

  /**
   * The policy of a cluster, if any setting is in effect.
   *
   * @param policy the cluster's merged traffic policy (port level and subset applied), or {@code null}
   * @param service the cluster's service
   * @param mesh MeshConfig's {@code localityLbSetting}
   */
  public static Optional<LocalityLbPolicy> of(TrafficPolicy policy, Service service, LocalityLbSetting mesh) {
    boolean outlierDetection = policy != null && policy.outlierDetection() != null;
    LocalityLbSetting rule = policy == null || policy.loadBalancer() == null
        ? null : policy.loadBalancer().localityLbSetting();
    if (rule != null) {
      return enabled(rule) ? Optional.of(new LocalityLbPolicy(rule, outlierDetection)) : Optional.empty();
    }
    List<String> preferred = switch (service.attributes().trafficDistribution()) {
      case 1 -> PREFER_SAME_ZONE;
      case 2 -> PREFER_SAME_NODE;
      default -> List.of();
    };
    if (!preferred.isEmpty()) {
      return Optional.of(new LocalityLbPolicy(new LocalityLbSetting(null, null, preferred, true), true));
    }
    return enabled(mesh) ? Optional.of(new LocalityLbPolicy(mesh, outlierDetection)) : Optional.empty();
  }

  /**
   * The policy that shapes the endpoints of a cluster of {@code service}'s {@code port} (a subset's
   * when {@code subset} is not empty), under the rule that applies to the proxy; empty when its
   * endpoints are the same for every proxy.
   */
  public static Optional<LocalityLbPolicy> forEndpoints(Optional<AppliedDestinationRule> rule, String subset,
      Service service, int port, LocalityLbSetting mesh) {
    TrafficPolicy rulePolicy = rule.map(r -> r.rule().trafficPolicy()).orElse(null);
    TrafficPolicy policy = subset.isEmpty() ? TrafficPolicies.forPort(rulePolicy, port)
        : TrafficPolicies.forSubset(rulePolicy,
            rule.flatMap(r -> r.subset(subset)).map(DestinationRule.Subset::trafficPolicy).orElse(null), port);
    return of(policy, service, mesh).filter(LocalityLbPolicy::shapesEndpoints);
  }

  /**
   * The failoverPriority labels some cluster's endpoints may be ordered by in this push, or
   * empty when no cluster's endpoints depend on the proxy's locality: what of a proxy its
   * endpoint responses depend on.
   */
  public static Optional<Set<String>> inPush(PushContext push) {
    LocalityLbSetting mesh = push.settings().localityLbSetting();
    boolean meshDistributes = enabled(mesh) && !mesh.distribute().isEmpty();
    boolean preferClose = push.trafficDistribution();
    DestinationRules rules = push.destinationRules();
    if (!meshDistributes && !preferClose && !rules.localityLoadBalancing()) {
      return Optional.empty();
    }
    Set<String> labels = new TreeSet<>(rules.failoverPriorityLabels());
    if (enabled(mesh)) {
      labels.addAll(mesh.failoverPriority());
    }
    if (preferClose) {
      labels.addAll(PREFER_SAME_NODE);
    }
    return Optional.of(Set.copyOf(labels));
  }

  private static boolean enabled(LocalityLbSetting setting) {
    return setting != null && !Boolean.FALSE.equals(setting.enabled());
  }

  /**
   * True when it changes the endpoints: a distribution always; failover (by proximity, by region
   * rules or by labels) only when it applies.
   */
  public boolean shapesEndpoints() {
    return !setting.distribute().isEmpty() || failover;
  }

  /**
   * True when the cluster needs {@code locality_weighted_lb_config}: a distribution, or explicit
   * failover rules or labels that apply (istiod's LocalityLBSettings.ApplyToCluster).
   */
  public boolean weightedLocalities() {
    return !setting.distribute().isEmpty()
        || (failover && (!setting.failover().isEmpty() || !setting.failoverPriority().isEmpty()));
  }

  /** The failoverPriority entries that decide priorities (none when a distribution wins). */
  public List<String> failoverPriority() {
    return setting.distribute().isEmpty() && failover ? setting.failoverPriority() : List.of();
  }
}
