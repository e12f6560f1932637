package io.meshpilot.registry.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The descriptive attributes of a {@link Service}, with istiod's {@code ServiceAttributes} and
 * {@code K8sAttributes} semantics. Empty maps and sets mean "absent" (istiod prints {@code null}).
 *
 * @param registry which registry produced the service
 * @param name Kubernetes Service name, or the hostname for ServiceEntries
 * @param namespace the namespace of the source object
 * @param labels the source object's labels
 * @param exportTo explicit visibility ({@code *}, {@code .}, {@code ~} or namespaces); empty = mesh default
 * @param visibility what MeshConfig {@code serviceEntryVisibility} resolved for a ServiceEntry; {@code PUBLIC}
 *     otherwise
 * @param labelSelectors Service {@code spec.selector} or ServiceEntry {@code workloadSelector.labels}
 * @param clusterExternalAddresses cluster ID → LoadBalancer ingress and external IPs
 * @param clusterExternalPorts cluster ID → (service port → node port), for nodeSelector gateways
 * @param passthroughTargetPorts service port → target port, for resolution NONE ServiceEntries
 * @param type Kubernetes {@code spec.type}, {@code ""} for ServiceEntries
 * @param externalName Kubernetes {@code spec.externalName}
 * @param nodeLocal {@code internalTrafficPolicy: Local}
 * @param trafficDistribution 0 Any, 1 PreferSameZone, 2 PreferSameNode
 * @param objectName the ServiceEntry's name ({@code ""} for Kubernetes services)
 * @param dnsConnectStrategy 0 Default, 1 RaceFirstTCPConnect
 * @param publishNotReadyAddresses Kubernetes {@code spec.publishNotReadyAddresses}
 */
public record ServiceAttributes(
    RegistryKind registry,
    String name,
    String namespace,
    Map<String, String> labels,
    Set<String> exportTo,
    ServiceVisibility visibility,
    Map<String, String> labelSelectors,
    Map<String, List<String>> clusterExternalAddresses,
    Map<String, Map<Integer, Integer>> clusterExternalPorts,
    Map<Integer, Integer> passthroughTargetPorts,
    String type,
    String externalName,
    boolean nodeLocal,
    int trafficDistribution,
    String objectName,
    int dnsConnectStrategy,
    boolean publishNotReadyAddresses) {

  public ServiceAttributes {
    Objects.requireNonNull(registry, "registry");
    name = Objects.requireNonNullElse(name, "");
    namespace = Objects.requireNonNullElse(namespace, "");
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    exportTo = exportTo == null ? Set.of() : Set.copyOf(exportTo);
    visibility = Objects.requireNonNullElse(visibility, ServiceVisibility.PUBLIC);
    labelSelectors = labelSelectors == null ? Map.of() : Map.copyOf(labelSelectors);
    clusterExternalAddresses = clusterExternalAddresses == null ? Map.of() : Map.copyOf(clusterExternalAddresses);
    clusterExternalPorts = clusterExternalPorts == null ? Map.of() : Map.copyOf(clusterExternalPorts);
    passthroughTargetPorts = passthroughTargetPorts == null ? Map.of() : Map.copyOf(passthroughTargetPorts);
    type = Objects.requireNonNullElse(type, "");
    externalName = Objects.requireNonNullElse(externalName, "");
    objectName = Objects.requireNonNullElse(objectName, "");
  }
}
