package io.meshpilot.xds.e2e;

import java.util.Map;
import java.util.Objects;

/**
 * The identity a sidecar Envoy presents to the control plane, as Istio's pilot-agent writes it into
 * the bootstrap: {@code node.id} {@code sidecar~<ip>~<pod>.<ns>~<ns>.svc.<domain>} and the Istio
 * metadata keys meshpilot's proxy model reads.
 *
 * @param podName pod name ({@code NAME})
 * @param namespace pod namespace ({@code NAMESPACE})
 * @param ip the pod IP ({@code INSTANCE_IPS} and the id's IP part)
 * @param labels pod labels ({@code LABELS})
 * @param clusterId Istio cluster id ({@code CLUSTER_ID})
 * @param istioVersion the proxy's claimed Istio version ({@code ISTIO_VERSION})
 * @param interceptionMode {@code INTERCEPTION_MODE}
 * @param domainSuffix the cluster DNS suffix
 */
public record SidecarNode(String podName, String namespace, String ip, Map<String, String> labels,
    String clusterId, String istioVersion, InterceptionMode interceptionMode, String domainSuffix) {

  /** How the sidecar gets its traffic ({@code INTERCEPTION_MODE}). */
  public enum InterceptionMode { REDIRECT, NONE }

  public SidecarNode {
    Objects.requireNonNull(podName);
    Objects.requireNonNull(namespace);
    Objects.requireNonNull(ip);
    labels = Map.copyOf(labels);
    Objects.requireNonNull(clusterId);
    Objects.requireNonNull(istioVersion);
    Objects.requireNonNull(interceptionMode);
    Objects.requireNonNull(domainSuffix);
  }

  /** A pod with Istio's defaults: cluster {@code Kubernetes}, version 1.30.0, REDIRECT, cluster.local. */
  public static SidecarNode of(String podName, String namespace, String ip) {
    return new SidecarNode(podName, namespace, ip, Map.of(), "Kubernetes", "1.30.0", InterceptionMode.REDIRECT,
        "cluster.local");
  }

  public SidecarNode withLabels(Map<String, String> newLabels) {
    return new SidecarNode(podName, namespace, ip, newLabels, clusterId, istioVersion, interceptionMode, domainSuffix);
  }

  public SidecarNode withInterceptionMode(InterceptionMode mode) {
    return new SidecarNode(podName, namespace, ip, labels, clusterId, istioVersion, mode, domainSuffix);
  }

  /** {@code sidecar~<ip>~<pod>.<ns>~<ns>.svc.<domain>}. */
  public String id() {
    return "sidecar~" + ip + "~" + podName + "." + namespace + "~" + namespace + ".svc." + domainSuffix;
  }

  /** {@code node.cluster} as pilot-agent sets it: {@code <app label or pod name>.<ns>}. */
  public String serviceCluster() {
    return labels.getOrDefault("app", podName) + "." + namespace;
  }
}
