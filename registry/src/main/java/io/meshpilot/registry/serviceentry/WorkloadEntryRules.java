package io.meshpilot.registry.serviceentry;

import io.meshpilot.registry.validation.DnsNames;
import io.meshpilot.registry.validation.LabelSyntax;
import io.meshpilot.registry.validation.Findings;
import static io.meshpilot.registry.serviceentry.YamlValues.describe;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The checks on one inline endpoint ({@code spec.endpoints[i]}) of a ServiceEntry (reference §5.2). */
final class WorkloadEntryRules {
  static final String UNIX_PREFIX = "unix://";
  private static final int MAX_PORTS = 128;
  private static final int MAX_PORT_KEY_LENGTH = 62;

  private WorkloadEntryRules() {}

  /**
   * Checks endpoint {@code index}.
   *
   * @param servicePortNames the names of the ServiceEntry's ports, which endpoint ports must refer to
   */
  static void check(int index, WorkloadEntry endpoint, SeResolution resolution, Set<String> servicePortNames,
      int servicePortCount, Findings findings) {
    String path = "spec.endpoints[" + index + "]";
    String address = endpoint.address();
    if (address.isEmpty() && endpoint.network().isEmpty()) {
      findings.error(path, "address or network is required");
    }
    if (address.startsWith(UNIX_PREFIX) && address.endsWith("/")) {
      findings.error(path + ".address", describe(address) + " may not end with \"/\"");
    }
    switch (resolution) {
      case STATIC -> checkStaticAddress(path, endpoint, servicePortCount, findings);
      case DNS, DNS_ROUND_ROBIN -> checkDnsAddress(path, endpoint, resolution, findings);
      default -> { } // NONE and DYNAMIC_DNS reject endpoints as a whole
    }
    checkPorts(path, endpoint.ports(), servicePortNames, findings);
    checkLabels(path + ".labels", endpoint.labels(), findings);
  }

  private static void checkStaticAddress(String path, WorkloadEntry endpoint, int servicePortCount,
      Findings findings) {
    String address = endpoint.address();
    if (address.isEmpty()) {
      if (!endpoint.network().isEmpty()) {
        findings.warning(path + ".address", "unset; only network " + describe(endpoint.network()) + " is given");
      }
      return;
    }
    if (address.startsWith(UNIX_PREFIX)) {
      String socket = address.substring(UNIX_PREFIX.length());
      if (socket.isEmpty()) {
        findings.error(path + ".address", "a unix address needs a socket path");
      } else if (!socket.startsWith("/") && !socket.startsWith("@")) {
        findings.error(path + ".address",
            describe(address) + " must be an absolute path or an @abstract socket after unix://");
      }
      if (!endpoint.ports().isEmpty()) {
        findings.error(path + ".ports", "a unix endpoint may not set ports");
      }
      if (servicePortCount != 1) {
        findings.error(path + ".address",
            "a unix endpoint needs exactly 1 service port, the ServiceEntry has " + servicePortCount);
      }
      return;
    }
    if (!IpLiterals.isIp(address)) {
      findings.error(path + ".address", describe(address) + " is not an IP address (resolution STATIC)");
    }
  }

  private static void checkDnsAddress(String path, WorkloadEntry endpoint, SeResolution resolution,
      Findings findings) {
    String address = endpoint.address();
    if (address.isEmpty()) {
      if (!endpoint.network().isEmpty()) {
        findings.error(path + ".address", "required for resolution " + resolution + " (an IP address or FQDN)");
      }
      return;
    }
    if (!IpLiterals.isIp(address)) {
      Optional<String> problem = DnsNames.fqdnProblem(address);
      problem.ifPresent(p -> findings.error(path + ".address",
          describe(address) + " is not an IP address or FQDN (" + p + ")"));
    }
  }

  private static void checkPorts(String path, Map<String, Integer> ports, Set<String> servicePortNames,
      Findings findings) {
    if (ports.size() > MAX_PORTS) {
      findings.error(path + ".ports", "at most " + MAX_PORTS + " entries are allowed, got " + ports.size());
    }
    for (Map.Entry<String, Integer> e : new TreeMap<>(ports).entrySet()) {
      String name = e.getKey();
      String portPath = path + ".ports." + name;
      if (!DnsNames.isLabel(name) || name.length() > MAX_PORT_KEY_LENGTH) {
        findings.error(portPath, "port name " + describe(name)
            + " is not a DNS-1123 label shorter than 63 characters");
      }
      if (!servicePortNames.contains(name)) {
        findings.error(portPath, "no ServiceEntry port is named " + describe(name));
      }
      if (!ServiceEntryValidator.isPortNumber(e.getValue())) {
        findings.error(portPath, ServiceEntryValidator.portRangeProblem(e.getValue()));
      }
    }
  }

  static void checkLabels(String path, Map<String, String> labels, Findings findings) {
    for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
      LabelSyntax.keyProblem(e.getKey()).ifPresent(p -> findings.error(path, p));
      LabelSyntax.valueProblem(e.getValue()).ifPresent(p -> findings.error(path + "." + e.getKey(), p));
    }
  }
}
