package io.meshpilot.xds.endpoint;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.meshpilot.registry.TopologyLabels;
import io.meshpilot.registry.networking.DestinationRule.LocalityLbSetting;
import io.meshpilot.registry.networking.DestinationRule.LocalityLbSetting.Distribute;
import io.meshpilot.registry.networking.DestinationRule.LocalityLbSetting.Failover;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Priorities and weights of a cluster's localities relative to the calling proxy, as istiod's
 * ApplyLocalityLoadBalancer sets them: a matching {@code distribute} rule rewrites locality weights
 * (and empties the localities it does not name); otherwise, when failover applies, failoverPriority
 * labels split localities into priorities, and proximity (same subzone, zone, region, then a
 * {@code failover} target region, then the rest) orders them; priorities end up 0..N without gaps.
 */
final class LocalityLoadBalancer {
  private static final long UINT32_MAX = 0xFFFFFFFFL;
  // Proximity has five levels (0..4): an earlier label priority is kept by multiplying it by five.
  private static final int PROXIMITY_LEVELS = 5;

  private LocalityLoadBalancer() {}

  static List<LocalityLbEndpoints> apply(List<LocalityEndpoints.Group> groups, ClientLocality client,
      LocalityLbPolicy policy) {
    LocalityLbSetting setting = policy.setting();
    List<LocalityLbEndpoints.Builder> localities = new ArrayList<>();
    groups.forEach(group -> localities.add(group.lbEndpoints().toBuilder()));
    if (!setting.distribute().isEmpty()) {
      distribute(client.locality(), localities, setting.distribute());
    } else if (policy.failover()) {
      List<LocalityLbEndpoints.Builder> ordered = localities;
      if (!setting.failoverPriority().isEmpty()) {
        ordered = byLabels(groups, client, setting.failoverPriority());
        if (!setting.failover().isEmpty()) {
          byProximity(client.locality(), ordered, setting.failover());
        }
      } else {
        byProximity(client.locality(), ordered, setting.failover());
      }
      return ordered.stream().map(LocalityLbEndpoints.Builder::build).toList();
    }
    return localities.stream().map(LocalityLbEndpoints.Builder::build).toList();
  }

  /**
   * istiod's applyLocalityWeights: the first rule whose {@code from} matches the proxy shares each
   * {@code to} weight among the localities it matches (in proportion to their weights, rounded
   * up); a locality matches the first {@code to} entry that names it (entries taken in name order,
   * where istiod's map order is random), and localities no entry names lose their endpoints.
   */
  private static void distribute(Locality client, List<LocalityLbEndpoints.Builder> localities,
      List<Distribute> rules) {
    for (Distribute rule : rules) {
      if (rule.from() == null || !matches(client, rule.from())) {
        continue;
      }
      Set<Integer> unmatched = new LinkedHashSet<>();
      for (int i = 0; i < localities.size(); i++) {
        unmatched.add(i);
      }
      for (Map.Entry<String, Integer> to : new TreeMap<>(rule.to()).entrySet()) {
        Map<Integer, Long> original = new LinkedHashMap<>();
        long total = 0;
        for (Iterator<Integer> it = unmatched.iterator(); it.hasNext(); ) {
          int i = it.next();
          LocalityLbEndpoints.Builder locality = localities.get(i);
          if (matches(locality.getLocality(), to.getKey())) {
            it.remove();
            long weight = locality.hasLoadBalancingWeight() ? locality.getLoadBalancingWeight().getValue() : 1;
            original.put(i, weight);
            total += weight;
          }
        }
        long share = to.getValue() == null ? 0 : to.getValue();
        for (Map.Entry<Integer, Long> matched : original.entrySet()) {
          double weight = (double) (matched.getValue() * share) / total;
          if (weight > 0) {
            localities.get(matched.getKey()).setLoadBalancingWeight(
                UInt32Value.of((int) Math.min((long) Math.ceil(weight), UINT32_MAX)));
          }
        }
      }
      unmatched.forEach(i -> localities.get(i).clearLbEndpoints());
      return;
    }
  }

  /**
   * istiod's applyLocalityFailover: 0 same region, zone and subzone; 1 same zone; 2 same region;
   * 3 another region; 4 another region that a {@code failover} rule from the proxy's region does
   * not point to. Composed with earlier (label) priorities, then made contiguous.
   */
  private static void byProximity(Locality client, List<LocalityLbEndpoints.Builder> localities,
      List<Failover> failover) {
    for (LocalityLbEndpoints.Builder locality : localities) {
      Locality endpoints = locality.getLocality();
      int proximity = proximity(client, endpoints);
      if (proximity == 3) {
        for (Failover rule : failover) {
          if (Objects.equals(rule.from(), client.getRegion())) {
            if (!Objects.equals(rule.to(), endpoints.getRegion())) {
              proximity = 4;
            }
            break;
          }
        }
      }
      locality.setPriority(locality.getPriority() * PROXIMITY_LEVELS + proximity);
    }
    compact(localities);
  }

  private static int proximity(Locality client, Locality endpoints) {
    if (!client.getRegion().equals(endpoints.getRegion())) {
      return 3;
    }
    if (!client.getZone().equals(endpoints.getZone())) {
      return 2;
    }
    return client.getSubZone().equals(endpoints.getSubZone()) ? 0 : 1;
  }

  /**
   * istiod's applyFailoverPriorities: each locality is split by how many leading failoverPriority
   * labels its endpoints share with the proxy (all: priority 0; none: the lowest). A leading
   * {@code topology.istio.io/network} that differs only lowers the endpoint below every match of
   * the proxy's network, rather than deciding alone.
   */
  private static List<LocalityLbEndpoints.Builder> byLabels(List<LocalityEndpoints.Group> groups,
      ClientLocality client, List<String> priorities) {
    List<LocalityLbEndpoints.Builder> split = new ArrayList<>();
    for (LocalityEndpoints.Group group : groups) {
      split.addAll(byLabels(group, client, priorities));
    }
    compact(split);
    return split;
  }

  private static List<LocalityLbEndpoints.Builder> byLabels(LocalityEndpoints.Group group, ClientLocality client,
      List<String> priorities) {
    int lowest = priorities.size();
    boolean includesNetwork = priorities.getFirst().equals(TopologyLabels.NETWORK);
    TreeMap<Integer, List<Integer>> byPriority = new TreeMap<>();
    for (int i = 0; i < group.labels().size(); i++) {
      Map<String, String> labels = group.labels().get(i);
      int priority = 0;
      int adjust = 0;
      for (int j = 0; j < priorities.size(); j++) {
        String label = FailoverPriority.labelName(priorities.get(j));
        String wanted = FailoverPriority.override(priorities.get(j)).orElseGet(() -> client.label(label));
        if (!wanted.equals(labels.getOrDefault(label, ""))) {
          if (j == 0 && includesNetwork) {
            adjust = lowest;
            continue;
          }
          priority = lowest - j;
          break;
        }
      }
      byPriority.computeIfAbsent(priority + adjust, p -> new ArrayList<>()).add(i);
    }
    List<LocalityLbEndpoints.Builder> out = new ArrayList<>();
    List<LbEndpoint> endpoints = group.lbEndpoints().getLbEndpointsList();
    byPriority.forEach((priority, indexes) -> {
      LocalityLbEndpoints.Builder part = group.lbEndpoints().toBuilder().clearLbEndpoints().setPriority(priority);
      long weight = 0;
      for (int index : indexes) {
        part.addLbEndpoints(endpoints.get(index));
        weight += endpoints.get(index).getLoadBalancingWeight().getValue();
      }
      out.add(part.setLoadBalancingWeight(UInt32Value.of((int) Math.min(weight, UINT32_MAX))));
    });
    return out;
  }

  /** Renumbers priorities 0..N in their order, without gaps (Envoy and gRPC reject sparse ones). */
  private static void compact(List<LocalityLbEndpoints.Builder> localities) {
    TreeMap<Integer, List<LocalityLbEndpoints.Builder>> byPriority = new TreeMap<>();
    localities.forEach(l -> byPriority.computeIfAbsent(l.getPriority(), p -> new ArrayList<>()).add(l));
    int rank = 0;
    for (List<LocalityLbEndpoints.Builder> same : byPriority.values()) {
      for (LocalityLbEndpoints.Builder locality : same) {
        locality.setPriority(rank);
      }
      rank++;
    }
  }

  /**
   * istiod's LocalityMatch: a {@code region/zone/subzone} rule ({@code *} for any part, a missing
   * zone or subzone matching any) against a locality.
   */
  static boolean matches(Locality locality, String rule) {
    String[] parts = rule.split("/", -1);
    String region = parts[0];
    String zone = parts.length > 1 ? parts[1] : "";
    String subzone = parts.length > 2 ? parts[2] : "";
    return (region.equals("*") || locality.getRegion().equals(region))
        && (zone.equals("*") || zone.isEmpty() || locality.getZone().equals(zone))
        && (subzone.equals("*") || subzone.isEmpty() || locality.getSubZone().equals(subzone));
  }
}
