package io.meshpilot.registry;

import java.util.List;
import java.util.Objects;

/**
 * The settings that shape conversion, read once at start-up.
 *
 * @param domainSuffix the cluster domain, {@code cluster.local} by default
 * @param clusterId the ID that keys clusterVIPs and endpoint shards, {@code Kubernetes} by default
 * @param trustDomain the SPIFFE trust domain, {@code cluster.local} by default
 * @param defaultServiceExportTo MeshConfig {@code defaultServiceExportTo}, {@code ["*"]} by default
 */
public record RegistryConfig(
    String domainSuffix, String clusterId, String trustDomain, List<String> defaultServiceExportTo) {

  public static final String DEFAULT_DOMAIN_SUFFIX = "cluster.local";
  public static final String DEFAULT_CLUSTER_ID = "Kubernetes";
  public static final String DEFAULT_TRUST_DOMAIN = "cluster.local";

  public RegistryConfig {
    Objects.requireNonNull(domainSuffix, "domainSuffix");
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(trustDomain, "trustDomain");
    defaultServiceExportTo =
        defaultServiceExportTo == null || defaultServiceExportTo.isEmpty()
            ? List.of("*")
            : List.copyOf(defaultServiceExportTo);
  }

  /** istiod's defaults. */
  public static RegistryConfig defaults() {
    return new RegistryConfig(DEFAULT_DOMAIN_SUFFIX, DEFAULT_CLUSTER_ID, DEFAULT_TRUST_DOMAIN, List.of("*"));
  }

  /** The hostname of a Kubernetes Service: {@code <name>.<namespace>.svc.<domainSuffix>}. */
  public String serviceHostname(String namespace, String name) {
    return name + "." + namespace + ".svc." + domainSuffix;
  }

  /** {@code spiffe://<trustDomain>/ns/<namespace>/sa/<serviceAccount>}. */
  public String spiffeId(String namespace, String serviceAccount) {
    return "spiffe://" + trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount;
  }
}
