package io.meshpilot.registry;

import java.util.HashMap;
import java.util.Map;

/**
 * The well-known labels istiod reads and writes on endpoints (reference §4.4), and the label
 * augmentation every endpoint gets, whether it comes from a pod or a ServiceEntry.
 */
public final class TopologyLabels {
  public static final String REGION = "topology.kubernetes.io/region";
  public static final String ZONE = "topology.kubernetes.io/zone";
  public static final String SUBZONE = "topology.istio.io/subzone";
  public static final String CLUSTER = "topology.istio.io/cluster";
  public static final String NETWORK = "topology.istio.io/network";
  public static final String HOSTNAME = "kubernetes.io/hostname";
  public static final String LOCALITY = "topology.istio.io/locality";
  public static final String LEGACY_LOCALITY = "istio-locality";
  public static final String TLS_MODE = "security.istio.io/tlsMode";
  public static final String WORKLOAD_NAME = "service.istio.io/workload-name";

  private TopologyLabels() {}

  /**
   * The workload's labels plus region, zone and subzone (from the locality, each only when
   * non-empty), the cluster, the node (when known) and the network (unless already labelled).
   */
  public static Map<String, String> augment(Map<String, String> labels, String clusterId, String locality,
      String nodeName, String network) {
    Map<String, String> out = new HashMap<>(labels);
    String[] parts = locality.split("/", 3);
    putIfNotEmpty(out, REGION, parts[0]);
    putIfNotEmpty(out, ZONE, parts.length > 1 ? parts[1] : "");
    putIfNotEmpty(out, SUBZONE, parts.length > 2 ? parts[2] : "");
    putIfNotEmpty(out, CLUSTER, clusterId);
    putIfNotEmpty(out, HOSTNAME, nodeName);
    if (!network.isEmpty() && out.getOrDefault(NETWORK, "").isEmpty()) {
      out.put(NETWORK, network);
    }
    return out;
  }

  /**
   * The locality a workload's labels give ({@code topology.istio.io/locality}, else the legacy
   * {@code istio-locality}; {@code .} read as {@code /} when it has no {@code /}), or {@code ""}.
   */
  public static String localityFromLabels(Map<String, String> labels) {
    String label = labels.getOrDefault(LOCALITY, labels.getOrDefault(LEGACY_LOCALITY, ""));
    return label.contains("/") ? label : label.replace('.', '/');
  }

  private static void putIfNotEmpty(Map<String, String> out, String key, String value) {
    if (!value.isEmpty()) {
      out.put(key, value);
    }
  }
}
