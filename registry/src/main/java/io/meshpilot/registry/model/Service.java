package io.meshpilot.registry.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One service in the mesh, neutral to where it came from (istiod's {@code model.Service}).
 *
 * @param attributes descriptive attributes
 * @param ports service ports in declaration order
 * @param serviceAccounts SPIFFE identities allowed to serve it (annotations / subjectAltNames)
 * @param creationTime creation time of the source object; {@link #ZERO_TIME} when unknown
 * @param hostname the fully qualified hostname
 * @param clusterVIPs cluster ID → VIPs (Kubernetes only; empty for ServiceEntries)
 * @param defaultAddress the first VIP, or {@code 0.0.0.0}
 * @param autoAllocatedIPv4Address an auto-allocated IPv4 VIP, or {@code ""}
 * @param autoAllocatedIPv6Address an auto-allocated IPv6 VIP, or {@code ""}
 * @param resolution how clients reach the endpoints
 * @param meshExternal true for services outside the mesh (MESH_EXTERNAL, ExternalName)
 * @param resourceVersion Kubernetes resourceVersion; {@code ""} for ServiceEntries
 * @param autoAllocation where the auto-allocated addresses came from (not in istiod's JSON)
 */
public record Service(
    ServiceAttributes attributes,
    List<Port> ports,
    List<String> serviceAccounts,
    Instant creationTime,
    String hostname,
    Map<String, List<String>> clusterVIPs,
    String defaultAddress,
    String autoAllocatedIPv4Address,
    String autoAllocatedIPv6Address,
    Resolution resolution,
    boolean meshExternal,
    String resourceVersion,
    AutoAllocation autoAllocation) {

  /** Go's zero {@code time.Time}, which istiod prints for an unknown creation time. */
  public static final Instant ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

  /** The address of a service without a VIP. */
  public static final String UNSPECIFIED_ADDRESS = "0.0.0.0";

  public Service {
    Objects.requireNonNull(attributes, "attributes");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(resolution, "resolution");
    ports = ports == null ? List.of() : List.copyOf(ports);
    serviceAccounts = serviceAccounts == null ? List.of() : List.copyOf(serviceAccounts);
    creationTime = creationTime == null ? ZERO_TIME : creationTime;
    clusterVIPs = clusterVIPs == null ? Map.of() : Map.copyOf(clusterVIPs);
    defaultAddress = Objects.requireNonNullElse(defaultAddress, "");
    autoAllocatedIPv4Address = Objects.requireNonNullElse(autoAllocatedIPv4Address, "");
    autoAllocatedIPv6Address = Objects.requireNonNullElse(autoAllocatedIPv6Address, "");
    resourceVersion = Objects.requireNonNullElse(resourceVersion, "");
    Objects.requireNonNull(autoAllocation, "autoAllocation");
  }

  /**
   * A service whose auto-allocated addresses, if any, come from the in-memory scheme (as every
   * service did before meshpilot read ServiceEntry status).
   */
  public Service(ServiceAttributes attributes, List<Port> ports, List<String> serviceAccounts, Instant creationTime,
      String hostname, Map<String, List<String>> clusterVIPs, String defaultAddress, String autoAllocatedIPv4Address,
      String autoAllocatedIPv6Address, Resolution resolution, boolean meshExternal, String resourceVersion) {
    this(attributes, ports, serviceAccounts, creationTime, hostname, clusterVIPs, defaultAddress,
        autoAllocatedIPv4Address, autoAllocatedIPv6Address, resolution, meshExternal, resourceVersion,
        isEmpty(autoAllocatedIPv4Address) && isEmpty(autoAllocatedIPv6Address)
            ? AutoAllocation.NONE : AutoAllocation.IN_MEMORY);
  }

  /** This service with the given auto-allocated addresses, and where they came from. */
  public Service withAutoAllocatedAddresses(String ipv4, String ipv6, AutoAllocation source) {
    return new Service(attributes, ports, serviceAccounts, creationTime, hostname, clusterVIPs,
        defaultAddress, ipv4, ipv6, resolution, meshExternal, resourceVersion, source);
  }

  private static boolean isEmpty(String address) {
    return address == null || address.isEmpty();
  }

  /** The port with this number, if the service has one. */
  public java.util.Optional<Port> port(int number) {
    return ports.stream().filter(p -> p.port() == number).findFirst();
  }
}
