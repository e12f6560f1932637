package io.meshpilot.registry.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The few facts about a pod that endpoints need (reference §4.3, §4.4), kept instead of the full Pod.
 *
 * @param ips pod IPs from {@code status.podIPs}, else {@code status.podIP}
 * @param serviceAccountName {@code spec.serviceAccountName}, or {@code ""}
 * @param hostname {@code spec.hostname}, or {@code ""}
 * @param subdomain {@code spec.subdomain}, or {@code ""}
 * @param workloadName the owning workload's name (§4.4)
 * @param namedPorts container port name → container port
 * @param ready the PodReady condition is True
 * @param terminating the pod has a deletionTimestamp
 */
public record PodInfo(
    String namespace,
    String name,
    List<String> ips,
    Map<String, String> labels,
    String serviceAccountName,
    String nodeName,
    String hostname,
    String subdomain,
    String workloadName,
    Map<String, Integer> namedPorts,
    boolean ready,
    boolean terminating) {

  public PodInfo {
    namespace = Objects.requireNonNullElse(namespace, "");
    name = Objects.requireNonNullElse(name, "");
    ips = ips == null ? List.of() : List.copyOf(ips);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    serviceAccountName = Objects.requireNonNullElse(serviceAccountName, "");
    nodeName = Objects.requireNonNullElse(nodeName, "");
    hostname = Objects.requireNonNullElse(hostname, "");
    subdomain = Objects.requireNonNullElse(subdomain, "");
    workloadName = Objects.requireNonNullElse(workloadName, "");
    namedPorts = namedPorts == null ? Map.of() : Map.copyOf(namedPorts);
  }

  /** Projects a Pod; missing parts become empty values. */
  public static PodInfo from(Pod pod) {
    Objects.requireNonNull(pod.getMetadata(), "pod metadata");
    PodSpec spec = pod.getSpec() == null ? new PodSpec() : pod.getSpec();
    PodStatus status = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
    String serviceAccount = spec.getServiceAccountName();
    if (serviceAccount == null || serviceAccount.isEmpty()) {
      serviceAccount = spec.getServiceAccount();
    }
    return new PodInfo(
        pod.getMetadata().getNamespace(),
        pod.getMetadata().getName(),
        ips(status),
        Labels.compact(pod.getMetadata().getLabels()),
        Interner.intern(serviceAccount),
        Interner.intern(spec.getNodeName()),
        spec.getHostname(),
        Interner.intern(spec.getSubdomain()),
        Interner.intern(WorkloadNames.of(pod)),
        namedPorts(spec.getContainers()),
        ready(status.getConditions()),
        pod.getMetadata().getDeletionTimestamp() != null);
  }

  private static List<String> ips(PodStatus status) {
    List<String> out = new ArrayList<>(2);
    if (status.getPodIPs() != null) {
      for (PodIP ip : status.getPodIPs()) {
        if (ip != null && ip.getIp() != null && !ip.getIp().isEmpty()) {
          out.add(ip.getIp());
        }
      }
    }
    if (out.isEmpty() && status.getPodIP() != null && !status.getPodIP().isEmpty()) {
      out.add(status.getPodIP());
    }
    return out;
  }

  private static Map<String, Integer> namedPorts(List<Container> containers) {
    if (containers == null) {
      return Map.of();
    }
    Map<String, Integer> out = new LinkedHashMap<>();
    for (Container c : containers) {
      if (c.getPorts() == null) {
        continue;
      }
      for (ContainerPort p : c.getPorts()) {
        if (p.getName() != null && !p.getName().isEmpty() && p.getContainerPort() != null) {
          out.putIfAbsent(Interner.intern(p.getName()), p.getContainerPort());
        }
      }
    }
    return out;
  }

  private static boolean ready(List<PodCondition> conditions) {
    if (conditions == null) {
      return false;
    }
    return conditions.stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
