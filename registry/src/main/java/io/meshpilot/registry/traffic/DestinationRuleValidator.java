package io.meshpilot.registry.traffic;

import static io.meshpilot.registry.traffic.TrafficRules.atMostOne;
import static io.meshpilot.registry.traffic.TrafficRules.duration;
import static io.meshpilot.registry.traffic.TrafficRules.durationSyntax;
import static io.meshpilot.registry.traffic.TrafficRules.oneOf;
import static io.meshpilot.registry.traffic.TrafficRules.quote;

import io.meshpilot.registry.networking.DestinationRule;
import io.meshpilot.registry.networking.DestinationRule.ClientTlsSettings;
import io.meshpilot.registry.networking.DestinationRule.ConsistentHash;
import io.meshpilot.registry.networking.DestinationRule.LoadBalancerSettings;
import io.meshpilot.registry.networking.DestinationRule.LocalityLbSetting;
import io.meshpilot.registry.networking.DestinationRule.OutlierDetection;
import io.meshpilot.registry.networking.DestinationRule.PortTrafficPolicy;
import io.meshpilot.registry.networking.DestinationRule.TrafficPolicy;
import io.meshpilot.registry.validation.Findings;
import io.meshpilot.registry.validation.Validation;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * istiod's DestinationRule validation ({@code ValidateDestinationRule}): the host, every traffic
 * policy (rule, subset and port level), the subsets, exportTo and the workload selector, plus the
 * proto rules istiod's parser enforces (oneofs, enum names). Messages start with the field path.
 */
public final class DestinationRuleValidator {
  static final Set<String> SIMPLE_LB = Set.of("UNSPECIFIED", "LEAST_CONN", "RANDOM", "PASSTHROUGH", "ROUND_ROBIN",
      "LEAST_REQUEST");
  static final Set<String> TLS_MODES = Set.of("DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL");
  /** Envoy's upper bound for a Maglev table (istiod rejects this and larger). */
  private static final long MAGLEV_MAX_TABLE = 5_000_011L;

  private DestinationRuleValidator() {}

  /** Validates the spec of a DestinationRule that lives in {@code namespace}. */
  public static Validation validate(String namespace, DestinationRule rule) {
    Findings findings = new Findings();
    TrafficRules.wildcardDomain(rule.host(), "spec.host", findings);
    trafficPolicy(namespace, rule.trafficPolicy(), "spec.trafficPolicy", findings);
    Set<String> names = new HashSet<>();
    for (int i = 0; i < rule.subsets().size(); i++) {
      DestinationRule.Subset subset = rule.subsets().get(i);
      String path = "spec.subsets[" + i + "]";
      if (subset == null) {
        findings.error(path, "subset may not be null");
        continue;
      }
      if (subset.name() != null && !names.add(subset.name())) {
        findings.error(path + ".name", "duplicate subset names: " + subset.name());
      }
      TrafficRules.subsetName(subset.name(), path + ".name", findings);
      TrafficRules.labels(subset.labels(), path + ".labels", findings);
      trafficPolicy(namespace, subset.trafficPolicy(), path + ".trafficPolicy", findings);
    }
    TrafficRules.exportTo(namespace, rule.exportTo(), rule.workloadSelector() != null, findings);
    if (rule.workloadSelector() != null) {
      TrafficRules.selectorLabels(rule.workloadSelector().selector(), "spec.workloadSelector.matchLabels", findings);
    }
    return findings.toValidation();
  }

  private static void trafficPolicy(String namespace, TrafficPolicy policy, String path, Findings findings) {
    if (policy == null) {
      return;
    }
    if (policy.loadBalancer() == null && policy.connectionPool() == null && policy.outlierDetection() == null
        && policy.tls() == null && policy.portLevelSettings().isEmpty() && policy.proxyProtocol() == null) {
      findings.error(path, "traffic policy must have at least one field");
      return;
    }
    outlierDetection(policy.outlierDetection(), path + ".outlierDetection", findings);
    TrafficRules.connectionPool(policy.connectionPool(), path + ".connectionPool", findings);
    loadBalancer(policy.loadBalancer(), policy.outlierDetection(), path + ".loadBalancer", findings);
    tls(namespace, policy.tls(), path + ".tls", findings);
    for (int i = 0; i < policy.portLevelSettings().size(); i++) {
      portPolicy(namespace, policy.portLevelSettings().get(i), path + ".portLevelSettings[" + i + "]", findings);
    }
    if (policy.proxyProtocol() != null) {
      oneOf(path + ".proxyProtocol.version", policy.proxyProtocol().version(), Set.of("V1", "V2"), findings);
    }
  }

  private static void portPolicy(String namespace, PortTrafficPolicy policy, String path, Findings findings) {
    if (policy == null) {
      findings.error(path, "traffic policy may not be null");
      return;
    }
    if (policy.port() == null) {
      findings.error(path + ".port", "portTrafficPolicy must have valid port");
    }
    if (policy.outlierDetection() == null && policy.connectionPool() == null && policy.loadBalancer() == null
        && policy.tls() == null) {
      findings.error(path, "port traffic policy must have at least one field");
      return;
    }
    outlierDetection(policy.outlierDetection(), path + ".outlierDetection", findings);
    TrafficRules.connectionPool(policy.connectionPool(), path + ".connectionPool", findings);
    loadBalancer(policy.loadBalancer(), policy.outlierDetection(), path + ".loadBalancer", findings);
    tls(namespace, policy.tls(), path + ".tls", findings);
  }

  private static void outlierDetection(OutlierDetection outlier, String path, Findings findings) {
    if (outlier == null) {
      return;
    }
    duration(outlier.baseEjectionTime(), path + ".baseEjectionTime", findings);
    duration(outlier.interval(), path + ".interval", findings);
    if (!Boolean.TRUE.equals(outlier.splitExternalLocalOriginErrors())
        && outlier.consecutiveLocalOriginFailures() != null && outlier.consecutiveLocalOriginFailures() > 0) {
      findings.error(path + ".consecutiveLocalOriginFailures", "outlier detection consecutive local origin failures "
          + "is specified, but split external local origin errors is set to false");
    }
    TrafficRules.percent(outlier.maxEjectionPercent(), path + ".maxEjectionPercent", findings);
    TrafficRules.percent(outlier.minHealthPercent(), path + ".minHealthPercent", findings);
  }

  private static void loadBalancer(LoadBalancerSettings lb, OutlierDetection outlier, String path, Findings findings) {
    if (lb == null) {
      return;
    }
    atMostOne(path, findings, "simple", lb.simple(), "consistentHash", lb.consistentHash());
    oneOf(path + ".simple", lb.simple(), SIMPLE_LB, findings);
    consistentHash(lb.consistentHash(), path + ".consistentHash", findings);
    locality(lb.localityLbSetting(), outlier, path + ".localityLbSetting", findings);
    duration(lb.warmupDurationSecs(), path + ".warmupDurationSecs", findings);
    if (lb.warmup() != null) {
      String at = path + ".warmup";
      if (lb.warmup().duration() == null) {
        findings.error(at + ".duration", "duration is required");
      } else {
        duration(lb.warmup().duration(), at + ".duration", findings);
      }
      if (lb.warmup().minimumPercent() != null && lb.warmup().minimumPercent().value() != null
          && lb.warmup().minimumPercent().value() > 100) {
        findings.error(at + ".minimumPercent", "minimumPercent value should be less than or equal to 100");
      }
      if (lb.warmup().aggression() != null && lb.warmup().aggression() <= 0) {
        findings.error(at + ".aggression", "aggression should be greater than 0");
      }
    }
  }

  private static void consistentHash(ConsistentHash hash, String path, Findings findings) {
    if (hash == null) {
      return;
    }
    atMostOne(path, findings, "httpHeaderName", hash.httpHeaderName(), "httpCookie", hash.httpCookie(),
        "useSourceIp", hash.useSourceIp(), "httpQueryParameterName", hash.httpQueryParameterName());
    atMostOne(path, findings, "ringHash", hash.ringHash(), "maglev", hash.maglev());
    if (hash.httpCookie() != null) {
      if (hash.httpCookie().name() == null || hash.httpCookie().name().isEmpty()) {
        findings.error(path + ".httpCookie.name", "name required for HttpCookie");
      }
      durationSyntax(hash.httpCookie().ttl(), path + ".httpCookie.ttl", findings);
    }
    boolean ringSize = hash.minimumRingSize() != null && hash.minimumRingSize() != 0;
    if (ringSize) {
      findings.warning(path + ".minimumRingSize",
          "consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead");
      if (hash.ringHash() != null || hash.maglev() != null) {
        findings.error(path, "only one of MinimumRingSize or Maglev/Ringhash can be specified");
      }
    }
    if (hash.maglev() != null) {
      long size = hash.maglev().tableSize() == null ? 0 : hash.maglev().tableSize();
      if (size == 0) {
        findings.error(path + ".maglev.tableSize", "tableSize must be set for maglev");
      }
      if (size >= MAGLEV_MAX_TABLE) {
        findings.error(path + ".maglev.tableSize", "tableSize must be less than " + MAGLEV_MAX_TABLE + " for maglev");
      }
      if (!isPrime(size)) {
        findings.error(path + ".maglev.tableSize", "tableSize must be a prime number for maglev");
      }
    }
  }

  /** Envoy's primality test, which istiod copies, so that both agree on every table size. */
  static boolean isPrime(long x) {
    if (x != 0 && x < 4) {
      return true;
    }
    if ((x & 1) == 0) {
      return false;
    }
    long limit = (long) Math.sqrt((double) x);
    for (long factor = 3; factor <= limit; factor += 2) {
      if (x % factor == 0) {
        return false;
      }
    }
    return true;
  }

  private static void locality(LocalityLbSetting setting, OutlierDetection outlier, String path, Findings findings) {
    if (setting == null) {
      return;
    }
    if (!setting.distribute().isEmpty() && !setting.failover().isEmpty()) {
      findings.error(path, "can not simultaneously specify 'distribute' and 'failover'");
      return;
    }
    if (!setting.failover().isEmpty()) {
      for (String label : setting.failoverPriority()) {
        if (label.equals("topology.kubernetes.io/region") || label.equals("topology.kubernetes.io/zone")
            || label.equals("topology.istio.io/subzone")) {
          findings.error(path + ".failoverPriority",
              "can not simultaneously set 'failover' and topology label '" + label + "' in 'failover_priority'");
          return;
        }
      }
    }
    for (int i = 0; i < setting.distribute().size(); i++) {
      LocalityLbSetting.Distribute distribute = setting.distribute().get(i);
      long total = 0;
      for (Map.Entry<String, Integer> to : distribute.to().entrySet()) {
        int weight = to.getValue() == null ? 0 : to.getValue();
        if (weight <= 0 || weight > 100) {
          findings.error(path + ".distribute[" + i + "].to", "locality weight must be in range [1, 100]");
          return;
        }
        total += weight;
        wildcardAtEnd(to.getKey(), path + ".distribute[" + i + "].to", findings);
      }
      if (total != 100) {
        findings.error(path + ".distribute[" + i + "].to", "total locality weight " + total + " != 100");
        return;
      }
      wildcardAtEnd(distribute.from(), path + ".distribute[" + i + "].from", findings);
    }
    if ((!setting.failover().isEmpty() || !setting.failoverPriority().isEmpty()) && outlier == null) {
      findings.warning(path, "outlier detection policy must be provided for failover");
    }
    for (int i = 0; i < setting.failover().size(); i++) {
      LocalityLbSetting.Failover failover = setting.failover().get(i);
      String at = path + ".failover[" + i + "]";
      String from = failover.from() == null ? "" : failover.from();
      String to = failover.to() == null ? "" : failover.to();
      if (from.equals(to)) {
        findings.error(at, "locality lb failover settings must specify different regions");
      }
      if (from.contains("/") || to.contains("/")) {
        findings.error(at, "locality lb failover only specify region");
      }
      if (from.contains("*") || to.contains("*")) {
        findings.error(at, "locality lb failover region should not contain '*' wildcard");
      }
    }
  }

  private static void wildcardAtEnd(String locality, String path, Findings findings) {
    if (locality == null) {
      return;
    }
    long stars = locality.chars().filter(c -> c == '*').count();
    if (stars > 1 || (stars == 1 && !locality.endsWith("*"))) {
      findings.error(path, "locality " + locality + " wildcard '*' number can not exceed 1 and must be in the end");
    }
  }

  /**
   * istiod's ValidateTLS: with credentialName (SIMPLE or MUTUAL) no certificate files may be set;
   * otherwise MUTUAL needs a client certificate and a private key; insecureSkipVerify excludes CA
   * certificates and SANs.
   */
  private static void tls(String namespace, ClientTlsSettings tls, String path, Findings findings) {
    if (tls == null) {
      return;
    }
    oneOf(path + ".mode", tls.mode(), TLS_MODES, findings);
    String mode = tls.mode() == null ? "DISABLE" : tls.mode();
    boolean credential = tls.credentialName() != null && !tls.credentialName().isEmpty();
    if (credential && tls.credentialName().startsWith("configmap://")) {
      String rest = tls.credentialName().substring("configmap://".length());
      int slash = rest.indexOf('/');
      if (slash >= 0 && !rest.substring(0, slash).equals(namespace)) {
        findings.error(path + ".credentialName",
            "invalid configmap:// credentialName: namespace must match the configuration namespace " + quote(namespace));
      }
    }
    if (Boolean.TRUE.equals(tls.insecureSkipVerify())) {
      if (mode.equals("SIMPLE") && (isSet(tls.caCertificates()) || credential || !tls.subjectAltNames().isEmpty())) {
        findings.error(path, "cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true");
      }
      if (mode.equals("MUTUAL") && (isSet(tls.caCertificates()) || !tls.subjectAltNames().isEmpty())) {
        findings.error(path, "cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true");
      }
    }
    if ((mode.equals("SIMPLE") || mode.equals("MUTUAL")) && credential) {
      if (isSet(tls.clientCertificate()) || isSet(tls.caCertificates()) || isSet(tls.privateKey()) || isSet(tls.caCrl())) {
        findings.error(path, "cannot specify client certificates or CA certificate or CA CRL If credentialName is set");
      }
      return;
    }
    if (mode.equals("MUTUAL")) {
      if (!isSet(tls.clientCertificate())) {
        findings.error(path + ".clientCertificate", "client certificate required for mutual tls");
      }
      if (!isSet(tls.privateKey())) {
        findings.error(path + ".privateKey", "private key required for mutual tls");
      }
    }
  }

  private static boolean isSet(String value) {
    return value != null && !value.isEmpty();
  }
}
