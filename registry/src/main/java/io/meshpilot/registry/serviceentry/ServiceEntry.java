package io.meshpilot.registry.serviceentry;

import io.meshpilot.registry.model.Service;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An Istio ServiceEntry (networking.istio.io v1, v1beta1 or v1alpha3), reduced to the fields the
 * registry uses. Produced by {@link ServiceEntryParser}; not yet validated.
 *
 * @param namespace the object's namespace
 * @param name the object's name
 * @param labels metadata.labels
 * @param annotations metadata.annotations
 * @param creationTime metadata.creationTimestamp, or {@link Service#ZERO_TIME} when absent
 * @param hosts spec.hosts, verbatim
 * @param addresses spec.addresses (IPs or CIDRs), verbatim
 * @param ports spec.ports in declaration order
 * @param location spec.location, {@link Location#MESH_EXTERNAL} by default
 * @param resolution spec.resolution, {@link SeResolution#NONE} by default
 * @param endpoints spec.endpoints in declaration order
 * @param workloadSelector spec.workloadSelector.labels; present (possibly empty) when a selector is set
 * @param exportTo spec.exportTo
 * @param subjectAltNames spec.subjectAltNames
 * @param statusAddresses status.addresses, the VIPs istiod's IP autoallocate controller wrote
 */
public record ServiceEntry(
    String namespace,
    String name,
    Map<String, String> labels,
    Map<String, String> annotations,
    Instant creationTime,
    List<String> hosts,
    List<String> addresses,
    List<SePort> ports,
    Location location,
    SeResolution resolution,
    List<WorkloadEntry> endpoints,
    Optional<Map<String, String>> workloadSelector,
    List<String> exportTo,
    List<String> subjectAltNames,
    List<StatusAddress> statusAddresses) {

  public ServiceEntry {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    creationTime = creationTime == null ? Service.ZERO_TIME : creationTime;
    hosts = hosts == null ? List.of() : List.copyOf(hosts);
    addresses = addresses == null ? List.of() : List.copyOf(addresses);
    ports = ports == null ? List.of() : List.copyOf(ports);
    location = location == null ? Location.MESH_EXTERNAL : location;
    resolution = resolution == null ? SeResolution.NONE : resolution;
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    workloadSelector = workloadSelector == null ? Optional.empty() : workloadSelector.map(Map::copyOf);
    exportTo = exportTo == null ? List.of() : List.copyOf(exportTo);
    subjectAltNames = subjectAltNames == null ? List.of() : List.copyOf(subjectAltNames);
    statusAddresses = statusAddresses == null ? List.of() : List.copyOf(statusAddresses);
  }

  /** {@code namespace/name}, the form used in logs. */
  public String namespacedName() {
    return namespace + "/" + name;
  }
}
