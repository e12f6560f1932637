package io.meshpilot.registry.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One network endpoint of one service port (istiod's {@code IstioEndpoint}).
 *
 * @param addresses the endpoint's addresses (an IP, a hostname for DNS entries, or a unix path)
 * @param servicePortName the service port this endpoint serves, joined by name
 * @param legacyClusterPortKey the service port number for ServiceEntry endpoints, else 0
 * @param endpointPort the port to connect to (the resolved target port)
 * @param labels workload labels plus topology labels
 * @param serviceAccount the workload's SPIFFE identity, or {@code ""}
 * @param network the network the endpoint is on, or {@code ""}
 * @param locality region/zone/subzone and cluster
 * @param lbWeight the load-balancing weight (0 = default)
 * @param tlsMode {@code istio} or {@code disabled}
 * @param namespace the workload's namespace
 * @param workloadName the workload (Deployment, …) name
 * @param hostName the pod's hostname when it has a subdomain
 * @param subDomain the pod's subdomain
 * @param health readiness of the endpoint
 * @param nodeName the node the workload runs on
 */
public record Endpoint(
    List<String> addresses,
    String servicePortName,
    int legacyClusterPortKey,
    int endpointPort,
    Map<String, String> labels,
    String serviceAccount,
    String network,
    Locality locality,
    int lbWeight,
    String tlsMode,
    String namespace,
    String workloadName,
    String hostName,
    String subDomain,
    HealthStatus health,
    String nodeName) {

  public Endpoint {
    addresses = List.copyOf(addresses);
    servicePortName = Objects.requireNonNullElse(servicePortName, "");
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    serviceAccount = Objects.requireNonNullElse(serviceAccount, "");
    network = Objects.requireNonNullElse(network, "");
    locality = locality == null ? new Locality("", "") : locality;
    tlsMode = Objects.requireNonNullElse(tlsMode, "disabled");
    namespace = Objects.requireNonNullElse(namespace, "");
    workloadName = Objects.requireNonNullElse(workloadName, "");
    hostName = Objects.requireNonNullElse(hostName, "");
    subDomain = Objects.requireNonNullElse(subDomain, "");
    health = health == null ? HealthStatus.HEALTHY : health;
    nodeName = Objects.requireNonNullElse(nodeName, "");
  }

  /** The first address: the one EDS uses. */
  public String address() {
    return addresses.isEmpty() ? "" : addresses.get(0);
  }
}
