package io.meshpilot.registry.serviceentry;

import java.util.HashMap;
import java.util.Map;

/** Topology labels and locality handling shared by every ServiceEntry endpoint (reference §4.4). */
final class EndpointLabels {
  static final String REGION = "topology.kubernetes.io/region";
  static final String ZONE = "topology.kubernetes.io/zone";
  static final String SUBZONE = "topology.istio.io/subzone";
  static final String CLUSTER = "topology.istio.io/cluster";
  static final String NETWORK = "topology.istio.io/network";
  static final String HOSTNAME = "kubernetes.io/hostname";
  static final String LOCALITY = "topology.istio.io/locality";
  static final String LEGACY_LOCALITY = "istio-locality";
  static final String TLS_MODE = "security.istio.io/tlsMode";
  static final String WORKLOAD_NAME = "service.istio.io/workload-name";

  private EndpointLabels() {}

  /**
   * The workload's labels plus region, zone and subzone (from the locality, each only when
   * non-empty), the cluster, the node (when known) and the network (unless already labelled).
   */
  static Map<String, String> augment(Map<String, String> labels, String clusterId, String locality,
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

  /** The explicit locality, else the locality label ({@code .} read as {@code /} when it has no {@code /}). */
  static String locality(String explicit, Map<String, String> labels) {
    if (!explicit.isEmpty()) {
      return explicit;
    }
    String label = labels.getOrDefault(LOCALITY, labels.getOrDefault(LEGACY_LOCALITY, ""));
    return label.contains("/") ? label : label.replace('.', '/');
  }

  private static void putIfNotEmpty(Map<String, String> out, String key, String value) {
    if (!value.isEmpty()) {
      out.put(key, value);
    }
  }
}
