package io.meshpilot.registry.serviceentry;

import java.util.Map;
import java.util.Objects;

/**
 * A workload a ServiceEntry's {@code workloadSelector} may pick: a pod or a WorkloadEntry, reduced to
 * what an endpoint needs. The registry builds these from its pod and WorkloadEntry caches.
 *
 * @param kind {@code "Pod"} or {@code "WorkloadEntry"}
 * @param namespace the workload's namespace
 * @param name the workload's object name
 * @param address its IP, or a hostname / {@code unix://} path (WorkloadEntries only)
 * @param labels the workload's labels, which the selector must contain
 * @param serviceAccountName the Kubernetes service account name, or {@code ""}
 * @param namedPorts port name → port (pod container ports, WorkloadEntry {@code ports})
 * @param locality {@code region/zone/subzone}, or {@code ""}
 * @param network the workload's network, or {@code ""}
 * @param nodeName the node a pod runs on, or {@code ""}
 * @param ready false for pods that are not ready (and WorkloadEntries whose health checks fail); such
 *     workloads are not selected
 * @param weight the load-balancing weight (a WorkloadEntry's {@code weight}; 0 = default)
 */
public record SelectedWorkload(
    String kind,
    String namespace,
    String name,
    String address,
    Map<String, String> labels,
    String serviceAccountName,
    Map<String, Integer> namedPorts,
    String locality,
    String network,
    String nodeName,
    boolean ready,
    int weight) {

  /** The kind of a pod workload. */
  public static final String POD = "Pod";
  /** The kind of a WorkloadEntry workload. */
  public static final String WORKLOAD_ENTRY = "WorkloadEntry";

  public SelectedWorkload {
    Objects.requireNonNull(kind, "kind");
    namespace = Objects.requireNonNullElse(namespace, "");
    Objects.requireNonNull(name, "name");
    address = Objects.requireNonNullElse(address, "");
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    serviceAccountName = Objects.requireNonNullElse(serviceAccountName, "");
    namedPorts = namedPorts == null ? Map.of() : Map.copyOf(namedPorts);
    locality = Objects.requireNonNullElse(locality, "");
    network = Objects.requireNonNullElse(network, "");
    nodeName = Objects.requireNonNullElse(nodeName, "");
  }
}
