package io.meshpilot.registry.serviceentry;

import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.model.AutoAllocation;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.model.Protocol;
import io.meshpilot.registry.model.RegistryKind;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.model.ServiceAttributes;
import io.meshpilot.registry.model.ServiceVisibility;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a (valid) ServiceEntry into model services and their endpoints (reference §5.1). Pure: the
 * caller supplies the workloads a selector may pick, and VIP auto-allocation happens elsewhere
 * ({@link VipAutoAllocator}).
 */
public final class ServiceEntryConverter {
  static final String TRAFFIC_DISTRIBUTION_ANNOTATION = "networking.istio.io/traffic-distribution";
  static final String CONNECT_STRATEGY_ANNOTATION = "istio.io/connect-strategy";

  private static final Logger log = LoggerFactory.getLogger(ServiceEntryConverter.class);

  private ServiceEntryConverter() {}

  /**
   * One Service per host × address, in hosts order then addresses order. A {@code /32} or
   * {@code /128} CIDR becomes the bare IP; an address that is neither an IP nor a CIDR is skipped. With
   * no addresses each host gets one Service with default address {@code 0.0.0.0}, carrying the VIPs
   * istiod's controller wrote into the entry's status for it ({@link StatusVips}); no VIP allocation.
   */
  public static List<Service> services(ServiceEntry se, RegistryConfig config) {
    List<Port> ports = new ArrayList<>();
    Map<Integer, Integer> passthroughTargetPorts = new HashMap<>();
    for (SePort p : se.ports()) {
      ports.add(new Port(p.name(), p.number(), Protocol.parse(p.protocol())));
      if (se.resolution() == SeResolution.NONE && p.targetPort() != 0) {
        passthroughTargetPorts.put(p.number(), p.targetPort());
      }
    }
    List<String> addresses = usableAddresses(se);
    Map<String, StatusVips.HostVips> statusVips = StatusVips.of(se);
    List<Service> out = new ArrayList<>();
    for (String host : se.hosts()) {
      if (se.addresses().isEmpty()) {
        Service service = service(se, host, Service.UNSPECIFIED_ADDRESS, ports, passthroughTargetPorts);
        StatusVips.HostVips vips = statusVips.get(host);
        out.add(vips == null ? service
            : service.withAutoAllocatedAddresses(vips.ipv4(), vips.ipv6(), AutoAllocation.STATUS));
      } else {
        for (String address : addresses) {
          out.add(service(se, host, address, ports, passthroughTargetPorts));
        }
      }
    }
    return out;
  }

  /**
   * The endpoints of one service returned by {@link #services}: the inline endpoints (one per endpoint
   * and port), or the workloads the selector picks from {@code candidates}, or — for DNS and
   * DNS_ROUND_ROBIN entries with neither — the service's hostname itself.
   *
   * @param candidates every pod and WorkloadEntry in the ServiceEntry's namespace; matching, the
   *     readiness filter and ordering happen here
   */
  public static List<Endpoint> endpoints(ServiceEntry se, Service service, List<SelectedWorkload> candidates,
      RegistryConfig config) {
    if (se.workloadSelector().isPresent()) {
      return ServiceEntryEndpoints.selected(se, se.workloadSelector().get(), candidates, config);
    }
    if (!se.endpoints().isEmpty()) {
      return ServiceEntryEndpoints.inline(se, config);
    }
    if (se.resolution().isDnsType()) {
      return ServiceEntryEndpoints.hostname(se, service, config);
    }
    return List.of();
  }

  private static List<String> usableAddresses(ServiceEntry se) {
    List<String> out = new ArrayList<>();
    for (String address : se.addresses()) {
      if (IpLiterals.isIp(address)) {
        out.add(address);
        continue;
      }
      Optional<IpLiterals.Cidr> cidr = IpLiterals.parseCidr(address);
      if (cidr.isPresent()) {
        out.add(cidr.get().isFullLength() ? cidr.get().addressString() : address);
      } else {
        log.debug("ServiceEntry {}: skipping address {}: not an IP or CIDR", se.namespacedName(), address);
      }
    }
    return out;
  }

  private static Service service(ServiceEntry se, String host, String address, List<Port> ports,
      Map<Integer, Integer> passthroughTargetPorts) {
    ServiceAttributes attributes = new ServiceAttributes(
        RegistryKind.EXTERNAL,
        host,
        se.namespace(),
        se.labels(),
        new LinkedHashSet<>(se.exportTo()),
        ServiceVisibility.PUBLIC, // serviceEntryVisibility is not read yet: public, as istiod when it is unset
        se.workloadSelector().orElse(Map.of()),
        Map.of(),
        Map.of(),
        passthroughTargetPorts,
        "",
        "",
        false,
        trafficDistribution(se.annotations()),
        se.name(),
        connectStrategy(se.annotations()),
        false);
    return new Service(attributes, ports, se.subjectAltNames(), se.creationTime(), host, Map.of(), address,
        "", "", se.resolution().toModel(), se.location() == Location.MESH_EXTERNAL, "");
  }

  /** 1 PreferSameZone (or PreferClose), 2 PreferSameNode, else 0; compared case-insensitively. */
  static int trafficDistribution(Map<String, String> annotations) {
    String value = annotations.getOrDefault(TRAFFIC_DISTRIBUTION_ANNOTATION, "").toLowerCase(Locale.ROOT);
    return switch (value) {
      case "preferclose", "prefersamezone" -> 1;
      case "prefersamenode" -> 2;
      default -> 0;
    };
  }

  /** 1 RaceFirstTCPConnect when the annotation says so (case-insensitively), else 0. */
  static int connectStrategy(Map<String, String> annotations) {
    return "RACE_FIRST_TCP_CONNECT".equalsIgnoreCase(annotations.get(CONNECT_STRATEGY_ANNOTATION)) ? 1 : 0;
  }
}
