package io.meshpilot.registry.serviceentry;

import java.util.Map;
import java.util.Objects;

/**
 * One inline endpoint of a ServiceEntry ({@code spec.endpoints[]}, a WorkloadEntry message).
 *
 * @param address an IP, a hostname (DNS modes) or {@code unix://path}; {@code ""} when only a network is set
 * @param ports service port name → endpoint port
 * @param labels the endpoint's labels
 * @param network the network the endpoint is on, or {@code ""}
 * @param locality {@code region/zone/subzone}, or {@code ""}
 * @param weight the load-balancing weight (0 = default)
 * @param serviceAccount the Kubernetes service account name, or {@code ""}
 */
public record WorkloadEntry(
    String address,
    Map<String, Integer> ports,
    Map<String, String> labels,
    String network,
    String locality,
    int weight,
    String serviceAccount) {

  public WorkloadEntry {
    address = Objects.requireNonNullElse(address, "");
    ports = ports == null ? Map.of() : Map.copyOf(ports);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    network = Objects.requireNonNullElse(network, "");
    locality = Objects.requireNonNullElse(locality, "");
    serviceAccount = Objects.requireNonNullElse(serviceAccount, "");
  }
}
