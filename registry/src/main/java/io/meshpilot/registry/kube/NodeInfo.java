package io.meshpilot.registry.kube;

import io.fabric8.kubernetes.api.model.Node;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A node's name and the topology labels that give endpoints their locality (reference §4.4).
 *
 * @param labels only the region, zone (GA and beta spellings) and subzone labels the node has
 */
public record NodeInfo(String name, Map<String, String> labels) {
  static final String REGION = "topology.kubernetes.io/region";
  static final String ZONE = "topology.kubernetes.io/zone";
  static final String BETA_REGION = "failure-domain.beta.kubernetes.io/region";
  static final String BETA_ZONE = "failure-domain.beta.kubernetes.io/zone";
  static final String SUBZONE = "topology.istio.io/subzone";
  private static final List<String> TOPOLOGY_LABELS = List.of(REGION, ZONE, BETA_REGION, BETA_ZONE, SUBZONE);

  public NodeInfo {
    name = Objects.requireNonNullElse(name, "");
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** Projects a Node, keeping only its topology labels. */
  public static NodeInfo from(Node node) {
    Map<String, String> all = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    Map<String, String> kept = new HashMap<>();
    for (String key : TOPOLOGY_LABELS) {
      String value = all.get(key);
      if (value != null) {
        kept.put(key, Interner.intern(value));
      }
    }
    return new NodeInfo(node.getMetadata().getName(), kept);
  }

  /** region/zone/subzone as §4.4 ("" when none). */
  public String locality() {
    String region = firstNonEmpty(labels.get(REGION), labels.get(BETA_REGION));
    String zone = firstNonEmpty(labels.get(ZONE), labels.get(BETA_ZONE));
    String subzone = Objects.requireNonNullElse(labels.get(SUBZONE), "");
    if (region.isEmpty() && zone.isEmpty() && subzone.isEmpty()) {
      return "";
    }
    return region + "/" + zone + "/" + subzone;
  }

  private static String firstNonEmpty(String a, String b) {
    if (a != null && !a.isEmpty()) {
      return a;
    }
    return b == null ? "" : b;
  }
}
