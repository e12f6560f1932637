package io.meshpilot.registry.traffic;

import static io.meshpilot.registry.traffic.TrafficRules.quote;

import io.meshpilot.registry.model.Protocol;
import io.meshpilot.registry.networking.Sidecar;
import io.meshpilot.registry.networking.Sidecar.EgressListener;
import io.meshpilot.registry.networking.Sidecar.IngressListener;
import io.meshpilot.registry.networking.Sidecar.SidecarPort;
import io.meshpilot.registry.serviceentry.IpLiterals;
import io.meshpilot.registry.validation.DnsNames;
import io.meshpilot.registry.validation.Findings;
import io.meshpilot.registry.validation.Validation;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * istiod's Sidecar validation ({@code ValidateSidecar}): the workload selector, ingress listeners
 * (port, bind, defaultEndpoint), egress listeners (one catch-all at the end, unique ports and
 * sockets, hosts as {@code namespace/dnsName}) and the outbound traffic policy. Which Sidecar
 * applies when a namespace has several is decided by the registry, not here.
 */
public final class SidecarValidator {
  private static final String UNIX = "unix://";
  private static final Set<String> CAPTURE_MODES = Set.of("DEFAULT", "IPTABLES", "NONE");

  private SidecarValidator() {}

  /** Validates the spec of a Sidecar that lives in {@code namespace}. */
  public static Validation validate(String namespace, Sidecar sidecar) {
    Findings findings = new Findings();
    if (sidecar.workloadSelector() != null) {
      Map<String, String> labels = sidecar.workloadSelector().selector();
      TrafficRules.selectorLabels(labels, "spec.workloadSelector.labels", findings);
      if (labels.isEmpty()) {
        findings.warning("spec.workloadSelector", "will be applied to all services in namespace");
      }
    }
    if (sidecar.egress().isEmpty() && sidecar.ingress().isEmpty() && sidecar.outboundTrafficPolicy() == null
        && sidecar.inboundConnectionPool() == null) {
      findings.error("spec", "sidecar: empty configuration provided");
      return findings.toValidation();
    }
    Set<Integer> ingressPorts = new HashSet<>();
    for (int i = 0; i < sidecar.ingress().size(); i++) {
      ingress(sidecar.ingress().get(i), "spec.ingress[" + i + "]", ingressPorts, findings);
    }
    TrafficRules.connectionPool(sidecar.inboundConnectionPool(), "spec.inboundConnectionPool", findings);
    Set<Integer> egressPorts = new HashSet<>();
    Set<String> sockets = new HashSet<>();
    for (int i = 0; i < sidecar.egress().size(); i++) {
      EgressListener egress = sidecar.egress().get(i);
      String path = "spec.egress[" + i + "]";
      if (egress == null) {
        findings.error(path, "egress listener may not be null");
        continue;
      }
      if (egress.port() == null) {
        // the catch-all listener; being last also makes it the only one
        if (i != sidecar.egress().size() - 1) {
          findings.error(path, "sidecar: the egress listener with empty port should be the last listener in the list");
        }
      } else {
        egressPort(egress, path, findings);
        int number = egress.port().number() == null ? 0 : egress.port().number();
        String bind = egress.bind() == null ? "" : egress.bind();
        if (number == 0 && !sockets.add(bind)) {
          findings.error(path + ".bind", "sidecar: unix domain socket values for listeners must be unique");
        } else if (number != 0 && !egressPorts.add(number)) {
          findings.error(path + ".port", "sidecar: ports on IP bound listeners must be unique");
        }
      }
      egressHosts(namespace, egress, path + ".hosts", findings);
    }
    outboundPolicy(sidecar.outboundTrafficPolicy(), "spec.outboundTrafficPolicy", findings);
    return findings.toValidation();
  }

  private static void ingress(IngressListener ingress, String path, Set<Integer> ports, Findings findings) {
    if (ingress == null) {
      findings.error(path, "sidecar: ingress may not be null");
      return;
    }
    if (ingress.port() == null) {
      findings.error(path + ".port", "sidecar: port is required for ingress listeners");
      return;
    }
    SidecarPort port = ingress.port();
    if (port.targetPort() != null && port.targetPort() > 0) {
      findings.error(path + ".port.targetPort", "targetPort has no impact on Sidecars");
    }
    portNameAndProtocol(port, path + ".port", findings);
    TrafficRules.port(port.number(), path + ".port.number", findings);
    bindAddress(ingress.bind(), path + ".bind", findings);
    if (!ports.add(port.number() == null ? 0 : port.number())) {
      findings.error(path + ".port", "sidecar: ports on IP bound listeners must be unique");
    }
    defaultEndpoint(ingress.defaultEndpoint(), path + ".defaultEndpoint", findings);
    TrafficRules.oneOf(path + ".captureMode", ingress.captureMode(), CAPTURE_MODES, findings);
    ServerTlsValidator.sidecarIngress(ingress.tls(), port.protocol(), path + ".tls", findings);
    TrafficRules.connectionPool(ingress.connectionPool(), path + ".connectionPool", findings);
    if (ingress.connectionPool() != null && ingress.connectionPool().http() != null
        && !Protocol.parse(nonNull(port.protocol())).isHttp()) {
      findings.warning(path + ".connectionPool", "sidecar: HTTP connection pool settings are configured for port "
          + port.number() + " (" + quote(port.name()) + ") but its protocol is not HTTP (" + port.protocol()
          + "); only TCP settings will apply");
    }
  }

  /** 127.0.0.1:port, 0.0.0.0:port, [::1]:port, [::]:port, :port or unix://path. */
  private static void defaultEndpoint(String endpoint, String path, Findings findings) {
    if (endpoint == null || endpoint.isEmpty()) {
      return;
    }
    if (endpoint.startsWith(UNIX)) {
      unixAddress(endpoint.substring(UNIX.length()), path, findings);
      return;
    }
    int colon = endpoint.lastIndexOf(':');
    if (colon < 0) {
      findings.error(path, "address " + endpoint + ": missing port in address");
      return;
    }
    String host = endpoint.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (!host.isEmpty() && !Set.of("127.0.0.1", "0.0.0.0", "::1", "::").contains(host)) {
      findings.error(path, "sidecar: defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,"
          + "[::]:port,unix://filepath or unset");
    }
    String portText = endpoint.substring(colon + 1);
    try {
      TrafficRules.port(Integer.parseInt(portText), path, findings);
    } catch (NumberFormatException e) {
      findings.error(path, "sidecar: defaultEndpoint port (" + portText + ") is not a number");
    }
  }

  private static void egressPort(EgressListener egress, String path, Findings findings) {
    SidecarPort port = egress.port();
    if (port.targetPort() != null && port.targetPort() > 0) {
      findings.error(path + ".port.targetPort", "targetPort has no impact on Sidecars");
    }
    portNameAndProtocol(port, path + ".port", findings);
    String bind = egress.bind() == null ? "" : egress.bind();
    TrafficRules.oneOf(path + ".captureMode", egress.captureMode(), CAPTURE_MODES, findings);
    if (port.number() == null || port.number() == 0) {
      // port 0 is a Unix domain socket listener
      if (!bind.startsWith(UNIX)) {
        findings.error(path + ".bind", "sidecar: ports with 0 value must have a unix domain socket bind address");
      } else {
        unixAddress(bind.substring(UNIX.length()), path + ".bind", findings);
      }
      if (egress.captureMode() != null && !egress.captureMode().equals("DEFAULT") && !egress.captureMode().equals("NONE")) {
        findings.error(path + ".captureMode", "sidecar: captureMode must be DEFAULT/NONE for unix domain socket listeners");
      }
    } else {
      TrafficRules.port(port.number(), path + ".port.number", findings);
      bindAddress(bind, path + ".bind", findings);
    }
  }

  private static void portNameAndProtocol(SidecarPort port, String path, Findings findings) {
    if (port.name() != null && !port.name().isEmpty() && !DnsNames.isLabel(port.name())) {
      findings.error(path + ".name", "invalid port name: " + port.name());
    }
    if (Protocol.parse(nonNull(port.protocol())).isUnsupported()) {
      findings.error(path + ".protocol", "unrecognized protocol " + quote(port.protocol()));
    }
  }

  private static void bindAddress(String bind, String path, Findings findings) {
    if (bind != null && !bind.isEmpty() && !IpLiterals.isIp(bind)) {
      findings.error(path, bind + " is not a valid IP");
    }
  }

  private static void unixAddress(String address, String path, Findings findings) {
    if (address.isEmpty()) {
      findings.error(path, "unix address must not be empty");
    } else if (address.startsWith("@")) {
      if (address.length() == 1) {
        findings.error(path, "unix address must not be empty");
      }
    } else if (!address.startsWith("/")) {
      findings.error(path, address + " is not an absolute path");
    }
  }

  /**
   * Hosts are {@code namespace/dnsName} ({@code ./*}, {@code * /*}, {@code ~/*}, {@code ns/host});
   * short names and partial wildcards are refused; duplicates are warnings, as in istiod.
   */
  private static void egressHosts(String namespace, EgressListener egress, String path, Findings findings) {
    if (egress.hosts().isEmpty()) {
      findings.error(path, "sidecar: egress listener must contain at least one host");
      return;
    }
    Map<String, Set<String>> byNamespace = new HashMap<>();
    for (int i = 0; i < egress.hosts().size(); i++) {
      String host = egress.hosts().get(i) == null ? "" : egress.hosts().get(i);
      String at = path + "[" + i + "]";
      int slash = host.indexOf('/');
      if (slash >= 0 && !host.startsWith("~")) {
        String ns = host.substring(0, slash);
        String dnsName = host.substring(slash + 1);
        Set<String> names = byNamespace.computeIfAbsent(ns.equals(".") ? namespace : ns, k -> new HashSet<>());
        boolean duplicate = dnsName.equals("*") ? !names.isEmpty() : names.contains(dnsName) || names.contains("*");
        if (duplicate) {
          findings.warning(at, "duplicated egress host: " + host);
        }
        names.add(dnsName);
      }
      namespaceSlashHostname(host, at, findings);
    }
    if (byNamespace.getOrDefault("*", Set.of()).contains("*") && byNamespace.size() != 1) {
      findings.warning(path, "`*/*` host select all resources, no other hosts can be added");
    }
  }

  private static void namespaceSlashHostname(String host, String path, Findings findings) {
    int slash = host.indexOf('/');
    if (slash < 0) {
      findings.error(path, quote(host) + ": host must be of form namespace/dnsName");
      return;
    }
    String ns = host.substring(0, slash);
    String dnsName = host.substring(slash + 1);
    if (ns.isEmpty() || dnsName.isEmpty()) {
      findings.error(path, "config namespace and dnsName in host entry cannot be empty");
    }
    String bare = ns.startsWith("~") ? ns.substring(1) : ns;
    if (!bare.isEmpty() && !bare.equals("*") && !bare.equals(".") && !DnsNames.isLabel(bare)) {
      findings.error(path, "invalid namespace value " + quote(ns) + " in sidecar");
    }
    if (!dnsName.equals("*") && !dnsName.contains(".")) {
      findings.error(path, "short names (non FQDN) are not allowed");
    }
    if (!dnsName.isEmpty()) {
      TrafficRules.wildcardDomain(dnsName, path, findings);
      if (dnsName.contains("*") && !dnsName.equals("*") && !dnsName.startsWith("*.")) {
        findings.error(path, "partial wildcard " + quote(dnsName) + " not allowed");
      }
    }
  }

  private static void outboundPolicy(Sidecar.OutboundTrafficPolicy policy, String path, Findings findings) {
    if (policy == null) {
      return;
    }
    String mode = policy.mode() == null ? "REGISTRY_ONLY" : policy.mode();
    if (mode.equals("ALLOW_ANY_DYNAMIC_DNS")) {
      findings.error(path + ".mode",
          "sidecar: ALLOW_ANY_DYNAMIC_DNS mode is only supported in MeshConfig, not in Sidecar resource");
      return;
    }
    TrafficRules.oneOf(path + ".mode", policy.mode(), Set.of("REGISTRY_ONLY", "ALLOW_ANY"), findings);
    if (policy.egressProxy() != null) {
      if (!mode.equals("ALLOW_ANY")) {
        findings.error(path + ".egressProxy", "sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode");
        return;
      }
      String host = nonNull(policy.egressProxy().host());
      DnsNames.fqdnProblem(host).ifPresent(p -> findings.error(path + ".egressProxy.host",
          "domain name " + quote(host) + " invalid (" + p + ")"));
      if (policy.egressProxy().port() == null) {
        findings.error(path + ".egressProxy.port", "sidecar: egress_proxy port must be non-nil");
        return;
      }
      TrafficRules.destination(policy.egressProxy(), path + ".egressProxy", findings);
    }
  }

  private static String nonNull(String value) {
    return value == null ? "" : value;
  }
}
