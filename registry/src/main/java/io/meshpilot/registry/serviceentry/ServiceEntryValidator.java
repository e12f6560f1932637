package io.meshpilot.registry.serviceentry;

import io.meshpilot.registry.validation.DnsNames;
import io.meshpilot.registry.validation.Findings;
import io.meshpilot.registry.validation.Validation;
import static io.meshpilot.registry.serviceentry.YamlValues.describe;

import io.meshpilot.registry.model.Protocol;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * istiod's ServiceEntry validation (reference §5.2): the webhook rules plus the CRD/CEL rules the API
 * server enforces, since objects from the config directory never pass an API server. Every message
 * names the field and the rule, e.g. {@code spec.hosts[0]: "*" is not allowed}.
 */
public final class ServiceEntryValidator {
  static final int MAX_HOSTS = 256;
  static final int MAX_ADDRESSES = 256;
  static final int MAX_ADDRESS_LENGTH = 64;
  static final int MAX_PORTS = 256;
  static final String AUTOALLOCATE_LABEL = "networking.istio.io/enable-autoallocate-ip";
  static final String USE_WAYPOINT_LABEL = "istio.io/use-waypoint";
  private static final String PROTOCOLS =
      "HTTP, HTTPS, HTTP2, GRPC, GRPC-Web, HTTP_PROXY, TCP, TLS, UDP, Mongo, Redis, MySQL";

  private ServiceEntryValidator() {}

  /** Validates one ServiceEntry; the result is valid when it has no errors. */
  public static Validation validate(ServiceEntry se) {
    Findings findings = new Findings();
    checkSelector(se, findings);
    checkHosts(se, findings);
    checkAddresses(se, findings);
    checkPorts(se, findings);
    checkResolution(se, findings);
    checkMultipleHosts(se, findings);
    checkExportTo(se, findings);
    return findings.toValidation();
  }

  private static void checkSelector(ServiceEntry se, Findings findings) {
    se.workloadSelector().ifPresent(labels -> {
      for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
        String pair = describe(e.getKey() + "=" + e.getValue());
        if (e.getKey().isEmpty()) {
          findings.error("spec.workloadSelector.labels", "an empty label key is not allowed (" + pair + ")");
        }
        if (e.getKey().contains("*") || e.getValue().contains("*")) {
          findings.error("spec.workloadSelector.labels", "wildcards are not allowed in a selector (" + pair + ")");
        }
      }
      if (labels.isEmpty()) {
        findings.warning("spec.workloadSelector", "specified without labels, so it selects no workloads");
      }
      if (!se.endpoints().isEmpty()) {
        findings.error("spec", "workloadSelector and endpoints are mutually exclusive");
      }
    });
  }

  private static void checkHosts(ServiceEntry se, Findings findings) {
    List<String> hosts = se.hosts();
    if (hosts.isEmpty()) {
      findings.error("spec.hosts", "at least one host is required");
    } else if (hosts.size() > MAX_HOSTS) {
      findings.error("spec.hosts", "at most " + MAX_HOSTS + " hosts are allowed, got " + hosts.size());
    }
    for (int i = 0; i < hosts.size(); i++) {
      String host = hosts.get(i);
      String path = "spec.hosts[" + i + "]";
      if (host.equals("*")) {
        findings.error(path, "\"*\" is not allowed");
        continue;
      }
      DnsNames.wildcardDomainProblem(host)
          .ifPresent(p -> findings.error(path, describe(host) + " is not a valid hostname (" + p + ")"));
      boolean partialWildcard = host.contains("*") && !host.startsWith("*.");
      if (partialWildcard && se.resolution() != SeResolution.DYNAMIC_DNS) {
        findings.warning(path, "partial wildcard " + describe(host) + " (only a \"*.\" prefix is a wildcard domain)");
      }
    }
  }

  private static void checkAddresses(ServiceEntry se, Findings findings) {
    List<String> addresses = se.addresses();
    if (addresses.size() > MAX_ADDRESSES) {
      findings.error("spec.addresses", "at most " + MAX_ADDRESSES + " addresses are allowed, got " + addresses.size());
    }
    boolean cidrFound = false;
    for (int i = 0; i < addresses.size(); i++) {
      String address = addresses.get(i);
      String path = "spec.addresses[" + i + "]";
      if (address.length() > MAX_ADDRESS_LENGTH) {
        findings.error(path, "longer than " + MAX_ADDRESS_LENGTH + " characters");
      }
      if (address.chars().filter(c -> c == '/').count() == 1) {
        cidrFound = true;
        if (IpLiterals.parseCidr(address).isEmpty()) {
          findings.error(path, describe(address) + " is not a valid CIDR block");
        }
      } else if (!IpLiterals.isIp(address)) {
        findings.error(path, describe(address) + " is not a valid IP address or CIDR block");
      }
    }
    if (cidrFound && se.resolution() != SeResolution.NONE && se.resolution() != SeResolution.STATIC) {
      findings.error("spec.addresses",
          "CIDR blocks are allowed only with resolution NONE or STATIC, not " + se.resolution());
    }
  }

  private static void checkPorts(ServiceEntry se, Findings findings) {
    List<SePort> ports = se.ports();
    if (ports.size() > MAX_PORTS) {
      findings.error("spec.ports", "at most " + MAX_PORTS + " ports are allowed, got " + ports.size());
    }
    Set<String> names = new HashSet<>();
    Set<Integer> numbers = new HashSet<>();
    boolean autoAllocated = v2AutoAllocates(se);
    for (int i = 0; i < ports.size(); i++) {
      SePort port = ports.get(i);
      String path = "spec.ports[" + i + "]";
      if (!names.add(port.name())) {
        findings.error(path + ".name", "duplicate port name " + describe(port.name()));
      }
      if (!numbers.add(port.number())) {
        findings.error(path + ".number", "duplicate port number " + port.number());
      }
      if (port.name().isEmpty()) {
        findings.error(path + ".name", "required (a DNS-1123 label)");
      } else if (!DnsNames.isLabel(port.name())) {
        findings.error(path + ".name", describe(port.name()) + " is not a DNS-1123 label");
      }
      if (!port.protocol().isEmpty() && Protocol.parse(port.protocol()).isUnsupported()) {
        findings.error(path + ".protocol", "unknown protocol " + describe(port.protocol()) + " (one of " + PROTOCOLS + ")");
      }
      if (!isPortNumber(port.number())) {
        findings.error(path + ".number", portRangeProblem(port.number()));
      }
      if (port.targetPort() != 0 && !isPortNumber(port.targetPort())) {
        findings.error(path + ".targetPort", portRangeProblem(port.targetPort()));
      }
      boolean tcpOrUnset = port.protocol().isEmpty() || Protocol.parse(port.protocol()) == Protocol.TCP;
      if (se.addresses().isEmpty() && !autoAllocated && tcpOrUnset) {
        findings.warning(path, "addresses are required for ports serving TCP (or unset) protocol"
            + " when IP auto-allocation does not apply");
      }
    }
  }

  /** Whether istiod's V2 allocator would give this entry addresses (reference §6.1). */
  private static boolean v2AutoAllocates(ServiceEntry se) {
    return se.resolution() != SeResolution.NONE
        && !"false".equalsIgnoreCase(se.labels().get(AUTOALLOCATE_LABEL))
        && se.addresses().isEmpty();
  }

  private static void checkResolution(ServiceEntry se, Findings findings) {
    Set<String> portNames = new HashSet<>();
    se.ports().forEach(p -> portNames.add(p.name()));
    List<WorkloadEntry> endpoints = se.endpoints();
    switch (se.resolution()) {
      case NONE -> {
        if (!endpoints.isEmpty()) {
          findings.error("spec.endpoints", "not allowed when resolution is NONE");
        }
        if (se.workloadSelector().isPresent()) {
          findings.warning("spec.workloadSelector", "has no effect when resolution is NONE");
        }
      }
      case STATIC -> { } // the endpoint checks below are all STATIC needs
      case DNS, DNS_ROUND_ROBIN -> checkDns(se, findings);
      case DYNAMIC_DNS -> checkDynamicDns(se, findings);
    }
    for (int i = 0; i < endpoints.size(); i++) {
      WorkloadEntryRules.check(i, endpoints.get(i), se.resolution(), portNames, se.ports().size(), findings);
    }
  }

  private static void checkDns(ServiceEntry se, Findings findings) {
    if (se.endpoints().isEmpty()) {
      for (int i = 0; i < se.hosts().size(); i++) {
        String host = se.hosts().get(i);
        if (!host.equals("*") && DnsNames.fqdnProblem(host).isPresent()) {
          findings.error("spec.hosts[" + i + "]", describe(host) + " must be a fully qualified domain name when"
              + " resolution is " + se.resolution() + " and no endpoints are given");
        }
      }
    }
    if (se.resolution() == SeResolution.DNS_ROUND_ROBIN && se.endpoints().size() > 1) {
      findings.error("spec.endpoints", "at most 1 endpoint is allowed when resolution is DNS_ROUND_ROBIN, got "
          + se.endpoints().size());
    }
    if (!se.addresses().isEmpty() && se.hosts().size() > 1
        && se.ports().stream().anyMatch(p -> Protocol.parse(p.protocol()).isTcp())) {
      findings.warning("spec.hosts", "more than one host together with addresses and a TCP-family port");
    }
  }

  private static void checkDynamicDns(ServiceEntry se, Findings findings) {
    for (int i = 0; i < se.hosts().size(); i++) {
      if (!se.hosts().get(i).startsWith("*")) {
        findings.error("spec.hosts[" + i + "]",
            describe(se.hosts().get(i)) + " must be a wildcard host when resolution is DYNAMIC_DNS");
      }
    }
    if (!se.addresses().isEmpty()) {
      findings.error("spec.addresses", "not allowed when resolution is DYNAMIC_DNS");
    }
    if (!se.endpoints().isEmpty()) {
      findings.error("spec.endpoints", "not allowed when resolution is DYNAMIC_DNS");
    }
    for (int i = 0; i < se.ports().size(); i++) {
      Protocol p = Protocol.parse(se.ports().get(i).protocol());
      if (p != Protocol.HTTP && p != Protocol.TLS && p != Protocol.GRPC && p != Protocol.HTTP2) {
        findings.error("spec.ports[" + i + "].protocol", "must be HTTP, TLS, GRPC or HTTP2 when resolution is"
            + " DYNAMIC_DNS, got " + describe(se.ports().get(i).protocol()));
      }
    }
    String waypoint = se.labels().get(USE_WAYPOINT_LABEL);
    if (se.location() == Location.MESH_INTERNAL && waypoint != null && !waypoint.equals("none")) {
      findings.error("spec.location", "MESH_INTERNAL is not allowed with resolution DYNAMIC_DNS when label "
          + USE_WAYPOINT_LABEL + " is " + describe(waypoint));
    }
  }

  private static void checkMultipleHosts(ServiceEntry se, Findings findings) {
    if (se.resolution() == SeResolution.NONE || se.hosts().size() < 2) {
      return;
    }
    for (int i = 0; i < se.ports().size(); i++) {
      Protocol p = Protocol.parse(se.ports().get(i).protocol());
      if (!p.isHttp() && !p.isTls()) {
        findings.error("spec.ports[" + i + "].protocol", "multiple hosts provided with non-HTTP, non-TLS ports: "
            + describe(se.ports().get(i).protocol()) + " cannot tell the hosts apart when resolution is "
            + se.resolution());
        return;
      }
    }
  }

  private static void checkExportTo(ServiceEntry se, Findings findings) {
    List<String> exportTo = se.exportTo();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < exportTo.size(); i++) {
      String entry = exportTo.get(i);
      String path = "spec.exportTo[" + i + "]";
      // "." means the entry's own namespace, so the two are duplicates of each other
      String key = entry.equals(".") ? se.namespace() : entry;
      if (seen.containsKey(key)) {
        findings.error(path, key.equals(entry)
            ? "duplicate entry " + describe(entry)
            : "\".\" duplicates the ServiceEntry's own namespace " + describe(se.namespace()));
        continue;
      }
      if (!entry.equals("*") && !entry.equals(".") && !entry.equals("~") && !DnsNames.isLabel(entry)) {
        findings.error(path, describe(entry) + " must be \".\", \"*\", \"~\" or a namespace (a DNS-1123 label)");
        continue;
      }
      seen.put(key, i);
    }
    if (exportTo.size() > 1 && seen.containsKey("*")) {
      findings.error("spec.exportTo", "\"*\" must be the only entry");
    }
    if (exportTo.size() > 1 && seen.containsKey("~")) {
      findings.error("spec.exportTo", "\"~\" must be the only entry");
    }
  }

  static boolean isPortNumber(int port) {
    return port >= 1 && port <= 65535;
  }

  static String portRangeProblem(int port) {
    return port + " is not a valid port number (1..65535)";
  }
}
