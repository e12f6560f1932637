package io.meshpilot.xds.proxy;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One connected sidecar (or proxyless client) as config generation sees it, parsed from its Envoy
 * node: {@code <type>~<ip>~<pod>.<ns>~<dnsDomain>} plus Istio node metadata.
 *
 * @param type {@code sidecar}, {@code router}, …
 * @param ipAddress the first instance IP
 * @param id {@code <pod>.<namespace>}, the third field of the node id
 * @param dnsDomain {@code <namespace>.svc.<suffix>}, drives short-name route domains
 * @param namespace the config namespace (metadata NAMESPACE, else the first label of the DNS domain)
 * @param labels workload labels (metadata LABELS)
 * @param instanceIps metadata INSTANCE_IPS, else the node id's IP
 * @param clusterId metadata CLUSTER_ID ({@code Kubernetes} when absent)
 * @param istioVersion metadata ISTIO_VERSION ({@code ""} when absent)
 * @param interceptionMode metadata INTERCEPTION_MODE
 * @param generator metadata GENERATOR ({@code grpc} for proxyless), {@code ""} otherwise
 * @param nodeId the full node id
 * @param dnsCapture metadata DNS_CAPTURE (pilot-agent answers the workload's DNS from the name table;
 *     the proxy then uses auto-allocated ServiceEntry VIPs, as istiod's {@code nodeUsesAutoallocatedIPs})
 * @param locality where the proxy runs, {@code region/zone/subzone} ({@code ""} when unknown): from its
 *     topology labels, else its locality label, else {@code node.locality}, as istiod's
 *     {@code setTopologyLabels} (locality load balancing is relative to it)
 */
public record Proxy(
    String type,
    String ipAddress,
    String id,
    String dnsDomain,
    String namespace,
    Map<String, String> labels,
    List<String> instanceIps,
    String clusterId,
    String istioVersion,
    InterceptionMode interceptionMode,
    String generator,
    String nodeId,
    boolean dnsCapture,
    String locality) {

  public Proxy {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(namespace, "namespace");
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    instanceIps = instanceIps == null ? List.of() : List.copyOf(instanceIps);
    dnsDomain = Objects.requireNonNullElse(dnsDomain, "");
    ipAddress = Objects.requireNonNullElse(ipAddress, "");
    clusterId = Objects.requireNonNullElse(clusterId, "Kubernetes");
    istioVersion = Objects.requireNonNullElse(istioVersion, "");
    interceptionMode = interceptionMode == null ? InterceptionMode.REDIRECT : interceptionMode;
    generator = Objects.requireNonNullElse(generator, "");
    nodeId = Objects.requireNonNullElse(nodeId, "");
    locality = Objects.requireNonNullElse(locality, "");
  }

  /** A proxy of unknown locality. */
  public Proxy(String type, String ipAddress, String id, String dnsDomain, String namespace, Map<String, String> labels,
      List<String> instanceIps, String clusterId, String istioVersion, InterceptionMode interceptionMode,
      String generator, String nodeId, boolean dnsCapture) {
    this(type, ipAddress, id, dnsDomain, namespace, labels, instanceIps, clusterId, istioVersion, interceptionMode,
        generator, nodeId, dnsCapture, "");
  }

  /** A proxy without DNS capture. */
  public Proxy(String type, String ipAddress, String id, String dnsDomain, String namespace, Map<String, String> labels,
      List<String> instanceIps, String clusterId, String istioVersion, InterceptionMode interceptionMode,
      String generator, String nodeId) {
    this(type, ipAddress, id, dnsDomain, namespace, labels, instanceIps, clusterId, istioVersion, interceptionMode,
        generator, nodeId, false, "");
  }

  /**
   * True when the proxy has an IPv4 address (or none known): DNS clusters then resolve IPv4
   * ({@code V4_ONLY}), else IPv6.
   */
  public boolean ipv4() {
    return instanceIps.isEmpty() || instanceIps.stream().anyMatch(ip -> !ip.contains(":"));
  }

  /** True when one of the proxy's addresses is IPv6 (with {@link #ipv4} too: a dual-stack proxy). */
  public boolean ipv6() {
    return instanceIps.stream().anyMatch(ip -> ip.contains(":"));
  }

  /**
   * True when the proxy resolves ServiceEntry hosts to their auto-allocated VIPs: it captures DNS, or is
   * a waypoint (istiod's {@code nodeUsesAutoallocatedIPs} with auto-allocation on, its default).
   */
  public boolean usesAutoAllocatedVips() {
    return dnsCapture || type.equals("waypoint");
  }

  /** True for proxyless gRPC clients (GENERATOR=grpc). */
  public boolean proxyless() {
    return generator.equals("grpc");
  }
}
