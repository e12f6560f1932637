package io.meshpilot.registry.traffic;

import io.meshpilot.registry.networking.Destination;
import io.meshpilot.registry.networking.DestinationRule.ConnectionPoolSettings;
import io.meshpilot.registry.networking.Percent;
import io.meshpilot.registry.networking.PortSelector;
import io.meshpilot.registry.GoDurations;
import io.meshpilot.registry.networking.StringMatch;
import io.meshpilot.registry.validation.DnsNames;
import io.meshpilot.registry.validation.Findings;
import io.meshpilot.registry.validation.LabelSyntax;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

/**
 * The checks istiod's validation shares between DestinationRule, VirtualService and Sidecar
 * (durations, ports, percentages, labels, destinations, exportTo, connection pools, string
 * matches, header names). Each adds its findings under the field path it is given.
 */
final class TrafficRules {
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+\\-.^_`|~A-Za-z0-9]+");
  private static final Pattern HEADER_VALUE_FORBIDDEN = Pattern.compile("[\\x00-\\x08\\x0A-\\x1F\\x7F]");
  private static final Set<String> PSEUDO_HEADERS = Set.of(":method", ":scheme", ":authority", ":path", ":status");
  private static final int MAX_REGEX_LENGTH = 1024;

  private TrafficRules() {}

  /** istiod's ValidateDuration: a protobuf duration of at least 1ms, in whole milliseconds. */
  static void duration(String value, String path, Findings findings) {
    if (value == null) {
      return;
    }
    java.util.Optional<Duration> parsed = GoDurations.parse(value);
    if (parsed.isEmpty()) {
      findings.error(path, quote(value) + " is not a duration (e.g. \"1.5s\", \"30ms\", \"1m\")");
    } else if (parsed.get().compareTo(Duration.ofMillis(1)) < 0) {
      findings.error(path, "duration must be greater than 1ms");
    } else if (parsed.get().toNanos() % 1_000_000 != 0) {
      findings.error(path, "only durations to ms precision are supported");
    }
  }

  /** Checks that {@code value} is a protobuf duration without range rules (istiod skips them for some fields). */
  static void durationSyntax(String value, String path, Findings findings) {
    if (value != null && GoDurations.parse(value).isEmpty()) {
      findings.error(path, quote(value) + " is not a duration (e.g. \"1.5s\", \"30ms\", \"1m\")");
    }
  }

  static void port(Integer port, String path, Findings findings) {
    if (port == null || port < 1 || port > 65535) {
      findings.error(path, "port number " + (port == null ? 0 : port) + " must be in the range 1..65535");
    }
  }

  /** istiod's ValidatePercent for integer percentages. */
  static void percent(Integer value, String path, Findings findings) {
    if (value != null && (value < 0 || value > 100)) {
      findings.error(path, "percentage " + value + " is not in range 0..100");
    }
  }

  /** istiod's validatePercentage for Percent values: 0, or within [0.0001, 100]. */
  static void percentage(Percent percentage, String path, Findings findings) {
    if (percentage == null || percentage.value() == null) {
      return;
    }
    double v = percentage.value();
    if (v < 0.0 || v > 100.0 || (v > 0.0 && v < 0.0001)) {
      findings.error(path, "percentage " + v + " is neither 0.0, nor in range [0.0001, 100.0]");
    }
  }

  /** Kubernetes label keys and values (istiod's labels.Instance.Validate). */
  static void labels(Map<String, String> labels, String path, Findings findings) {
    for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
      LabelSyntax.keyProblem(e.getKey()).ifPresent(p -> findings.error(path, p));
      LabelSyntax.valueProblem(Objects.requireNonNullElse(e.getValue(), "")).ifPresent(p -> findings.error(path, p));
    }
  }

  /** A selector's labels: no empty keys, no wildcards; none at all is only a warning. */
  static void selectorLabels(Map<String, String> labels, String path, Findings findings) {
    for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
      String pair = quote(e.getKey() + "=" + e.getValue());
      if (e.getKey().isEmpty()) {
        findings.error(path, "empty key is not supported in selector: " + pair);
      }
      if (e.getKey().contains("*") || Objects.requireNonNullElse(e.getValue(), "").contains("*")) {
        findings.error(path, "wildcard is not supported in selector: " + pair);
      }
    }
    if (labels.isEmpty()) {
      findings.warning(path, "workload selector specified without labels");
    }
  }

  static void subsetName(String name, String path, Findings findings) {
    if (name == null || name.isEmpty()) {
      findings.error(path, "subset name cannot be empty");
    } else if (!DnsNames.isLabel(name)) {
      findings.error(path, "subset name is invalid: " + quote(name) + " (must be a DNS-1123 label)");
    }
  }

  /** istiod's ValidateWildcardDomain: a hostname whose first label may be a wildcard. */
  static void wildcardDomain(String host, String path, Findings findings) {
    DnsNames.wildcardDomainProblem(Objects.requireNonNullElse(host, ""))
        .ifPresent(p -> findings.error(path, "domain name " + quote(Objects.requireNonNullElse(host, ""))
            + " invalid (" + p + ")"));
  }

  /** istiod's validateDestination (absent is fine: the caller says when one is required). */
  static void destination(Destination destination, String path, Findings findings) {
    if (destination == null) {
      return;
    }
    if ("*".equals(destination.host())) {
      findings.error(path + ".host", "invalid destination host *");
    } else {
      wildcardDomain(destination.host(), path + ".host", findings);
    }
    if (destination.subset() != null && !destination.subset().isEmpty()) {
      subsetName(destination.subset(), path + ".subset", findings);
    }
    portSelector(destination.port(), path + ".port", findings);
  }

  static void portSelector(PortSelector port, String path, Findings findings) {
    if (port != null) {
      port(port.number(), path + ".number", findings);
    }
  }

  /**
   * istiod's validateExportTo for DestinationRule and VirtualService: {@code .}, {@code *} or
   * namespaces, no duplicates ({@code .} duplicates the object's own namespace), {@code *} alone.
   */
  static void exportTo(String namespace, List<String> exportTo, boolean ruleWithSelector, Findings findings) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < exportTo.size(); i++) {
      String entry = Objects.requireNonNullElse(exportTo.get(i), "");
      String key = entry.equals(".") ? namespace : entry;
      String path = "spec.exportTo[" + i + "]";
      if (!seen.add(key)) {
        findings.error(path, key.equals(entry) ? "duplicate entries in exportTo for entry " + entry
            : "duplicate entries in exportTo: . and current namespace " + namespace);
        continue;
      }
      if (!entry.equals("*") && !entry.equals(".") && !DnsNames.isLabel(entry)) {
        seen.remove(key);
        findings.error(path, quote(entry) + " must be \".\", \"*\" or a namespace (a DNS-1123 label)");
      }
    }
    if (ruleWithSelector && !seen.isEmpty()) {
      if (!seen.contains(namespace)) {
        findings.error("spec.exportTo", "destination rule with workload selector cannot have exportTo beyond current namespace");
      } else if (seen.size() > 1) {
        findings.error("spec.exportTo", "destination rule with workload selector cannot have multiple entries in exportTo");
      }
    }
    if (seen.contains("*") && exportTo.size() > 1) {
      findings.error("spec.exportTo", "cannot have both public (*) and non-public exportTo values for a resource");
    }
  }

  /** istiod's validateGatewayNames: {@code namespace/name} (or a legacy FQDN, with a warning). */
  static void gatewayNames(List<String> gateways, String path, Findings findings) {
    for (int i = 0; i < gateways.size(); i++) {
      String gateway = Objects.requireNonNullElse(gateways.get(i), "");
      String at = path + "[" + i + "]";
      int slash = gateway.indexOf('/');
      if (slash < 0) {
        if (gateway.contains(".")) {
          String[] parts = gateway.split("\\.");
          findings.warning(at, "using legacy gatewayName format " + quote(gateway)
              + "; prefer the <namespace>/<name> format: " + quote(parts[1] + "/" + parts[0]));
        }
        DnsNames.fqdnProblem(gateway).ifPresent(p -> findings.error(at, "domain name " + quote(gateway) + " invalid (" + p + ")"));
        continue;
      }
      String ns = gateway.substring(0, slash);
      String name = gateway.substring(slash + 1);
      if (ns.isEmpty() || name.isEmpty()) {
        findings.error(at, "config namespace and gateway name cannot be empty");
      }
      if (!DnsNames.isLabel(ns)) {
        findings.error(at, "invalid value for namespace: " + quote(ns));
      }
      if (!DnsNames.isLabel(name)) {
        findings.error(at, "invalid value for gateway name: " + quote(name));
      }
    }
  }

  /** istiod's validateConnectionPool. */
  static void connectionPool(ConnectionPoolSettings pool, String path, Findings findings) {
    if (pool == null) {
      return;
    }
    if (pool.http() == null && pool.tcp() == null) {
      findings.error(path, "connection pool must have at least one field");
      return;
    }
    if (pool.http() != null) {
      ConnectionPoolSettings.Http http = pool.http();
      String at = path + ".http";
      nonNegative(http.http1MaxPendingRequests(), at + ".http1MaxPendingRequests", "http1 max pending requests", findings);
      nonNegative(http.http2MaxRequests(), at + ".http2MaxRequests", "http2 max requests", findings);
      nonNegative(http.maxRequestsPerConnection(), at + ".maxRequestsPerConnection", "max requests per connection", findings);
      nonNegative(http.maxRetries(), at + ".maxRetries", "max retries", findings);
      nonNegative(http.maxConcurrentStreams(), at + ".maxConcurrentStreams", "max concurrent streams", findings);
      duration(http.idleTimeout(), at + ".idleTimeout", findings);
      oneOf(at + ".h2UpgradePolicy", http.h2UpgradePolicy(), Set.of("DEFAULT", "DO_NOT_UPGRADE", "UPGRADE"), findings);
      if ("UPGRADE".equals(http.h2UpgradePolicy()) && Boolean.TRUE.equals(http.useClientProtocol())) {
        findings.error(at, "use client protocol must not be true when H2UpgradePolicy is UPGRADE");
      }
    }
    if (pool.tcp() != null) {
      ConnectionPoolSettings.Tcp tcp = pool.tcp();
      String at = path + ".tcp";
      nonNegative(tcp.maxConnections(), at + ".maxConnections", "max connections", findings);
      duration(tcp.connectTimeout(), at + ".connectTimeout", findings);
      duration(tcp.maxConnectionDuration(), at + ".maxConnectionDuration", findings);
      // "0s" disables the idle timeout, so istiod checks only other values
      if (tcp.idleTimeout() != null && !GoDurations.parse(tcp.idleTimeout()).map(Duration::isZero).orElse(false)) {
        duration(tcp.idleTimeout(), at + ".idleTimeout", findings);
      }
      if (tcp.tcpKeepalive() != null) {
        duration(tcp.tcpKeepalive().time(), at + ".tcpKeepalive.time", findings);
        duration(tcp.tcpKeepalive().interval(), at + ".tcpKeepalive.interval", findings);
      }
    }
  }

  /**
   * A StringMatch: exactly one of exact, prefix or regex (a proto oneof, which istiod's parser
   * enforces); a prefix may not be empty; a regex must compile (RE2 in istiod; Java's syntax is
   * close enough to catch the usual mistakes) and be at most 1024 characters.
   */
  static void stringMatch(StringMatch match, String path, Findings findings) {
    if (match == null) {
      return;
    }
    if (Stream.of(match.exact(), match.prefix(), match.regex()).filter(Objects::nonNull).count() > 1) {
      findings.error(path, "only one of exact, prefix or regex may be set");
      return;
    }
    if (match.prefix() != null && match.prefix().isEmpty()) {
      findings.error(path, "prefix string match should not be empty");
    }
    if (match.regex() != null) {
      regex(match.regex(), path + ".regex", findings);
    }
  }

  static void regex(String regex, String path, Findings findings) {
    if (regex.isEmpty()) {
      findings.error(path, "regex string match should not be empty");
      return;
    }
    if (regex.length() > MAX_REGEX_LENGTH) {
      findings.error(path, "regex is too large, max length allowed is " + MAX_REGEX_LENGTH);
      return;
    }
    try {
      Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      findings.error(path, "invalid regex " + quote(regex) + ": " + e.getDescription()
          + "; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)");
    }
  }

  /** A header name that is an RFC 7230 token (CORS header lists). */
  static void tokenHeaderName(String name, String path, Findings findings) {
    if (name.isEmpty()) {
      findings.error(path, "header name cannot be empty");
    } else if (!HEADER_NAME.matcher(name).matches()) {
      findings.error(path, "header name " + name + " is not a valid header name");
    }
  }

  /** A header to match on: an RFC 7230 token, a pseudo-header, or a JWT claim ({@code @request.auth.claims...}). */
  static void matchHeaderName(String name, String path, Findings findings) {
    if (name.isEmpty()) {
      findings.error(path, "header name cannot be empty");
    } else if (!name.startsWith("@request.auth.claims") && !PSEUDO_HEADERS.contains(name)
        && !HEADER_NAME.matcher(name).matches()) {
      findings.error(path, "header name " + name + " is not a valid header name");
    }
  }

  /** A header a route adds to or sets on a request: no pseudo-header except the authority. */
  static void requestSetHeaderName(String name, String path, Findings findings) {
    if (name.isEmpty()) {
      findings.error(path, "header name cannot be empty");
    } else if (isInternalHeader(name) && !isAuthorityHeader(name)) {
      findings.error(path, "invalid header " + quote(name) + ": header cannot have \":\" prefix");
    }
  }

  /** A header removed from a request, or changed on a response: neither Host nor a pseudo-header. */
  static void headerOperationName(String name, String path, Findings findings) {
    if (name.isEmpty()) {
      findings.error(path, "header name cannot be empty");
    } else if (name.equalsIgnoreCase("host")) {
      findings.error(path, "invalid header " + quote(name) + ": cannot set Host header");
    } else if (isInternalHeader(name)) {
      findings.error(path, "invalid header " + quote(name) + ": header cannot have \":\" prefix");
    }
  }

  /** A header value Envoy accepts: no control characters, every {@code %} escaped or closing a variable. */
  static void headerValue(String value, String path, Findings findings) {
    if (value == null) {
      return;
    }
    if (HEADER_VALUE_FORBIDDEN.matcher(value).find()) {
      findings.error(path, "header value configuration " + value + " is invalid");
      return;
    }
    boolean inVariable = false;
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) != '%') {
        continue;
      }
      if (!inVariable && i + 1 < value.length() && value.charAt(i + 1) == '%') {
        i++; // "%%" is a literal percent sign
        continue;
      }
      inVariable = !inVariable;
    }
    if (inVariable) {
      findings.error(path, "header value configuration: invalid header configuration. Un-escaped %");
    }
  }

  static boolean isAuthorityHeader(String name) {
    return name.equalsIgnoreCase(":authority") || name.equalsIgnoreCase("host");
  }

  private static boolean isInternalHeader(String name) {
    return name.startsWith(":") || name.equalsIgnoreCase("host");
  }

  static void nonNegative(Integer value, String path, String what, Findings findings) {
    if (value != null && value < 0) {
      findings.error(path, what + " must be non-negative");
    }
  }

  /** An enum field: protobuf JSON accepts only the value names. */
  static void oneOf(String path, String value, Set<String> allowed, Findings findings) {
    if (value != null && !allowed.contains(value)) {
      findings.error(path, "unknown value " + quote(value) + " (one of " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
    }
  }

  /**
   * At most one member of a proto oneof may be set, as istiod's parser refuses more.
   *
   * @param namesAndValues the members as name, value, name, value, ...
   */
  static void atMostOne(String path, Findings findings, Object... namesAndValues) {
    List<String> names = new java.util.ArrayList<>();
    List<String> set = new java.util.ArrayList<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      names.add((String) namesAndValues[i]);
      if (namesAndValues[i + 1] != null) {
        set.add((String) namesAndValues[i]);
      }
    }
    if (set.size() > 1) {
      findings.error(path, "only one of " + String.join(", ", names) + " may be set (found "
          + String.join(" and ", set) + ")");
    }
  }

  static String quote(String value) {
    return value == null ? "null" : "\"" + value + "\"";
  }
}
