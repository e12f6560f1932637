package io.meshpilot.registry.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.registry.networking.IstioKind;
import io.meshpilot.registry.validation.Validation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** istiod's DestinationRule rules, one per case: the spec (YAML flow style) and the error it must give. */
class DestinationRuleValidatorTest {

  private static Validation validate(String spec) {
    return Specs.validate(IstioKind.DESTINATION_RULE, spec);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "{host: reviews}",
      "{host: '*.example.com'}",
      "{host: '*'}",
      "{host: reviews, subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]}",
      "{host: reviews, trafficPolicy: {loadBalancer: {simple: LEAST_REQUEST}}}",
      "{host: reviews, trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-user, ringHash: {minimumRingSize: 1024}}}}}",
      "{host: reviews, trafficPolicy: {loadBalancer: {consistentHash: {maglev: {tableSize: 65537}, useSourceIp: true}}}}",
      "{host: reviews, trafficPolicy: {tls: {mode: MUTUAL, clientCertificate: /c.pem, privateKey: /k.pem}}}",
      "{host: reviews, trafficPolicy: {tls: {mode: SIMPLE, credentialName: cred}}}",
      "{host: reviews, trafficPolicy: {tls: {mode: SIMPLE, caCertificates: /ca.pem, sni: reviews}}}",
      "{host: reviews, trafficPolicy: {connectionPool: {tcp: {maxConnections: 10, connectTimeout: 30ms, idleTimeout: 0s}}}}",
      "{host: reviews, trafficPolicy: {outlierDetection: {consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 100}}}",
      "{host: reviews, trafficPolicy: {portLevelSettings: [{port: {number: 80}, loadBalancer: {simple: RANDOM}}]}}",
      "{host: reviews, trafficPolicy: {loadBalancer: {localityLbSetting: {distribute: [{from: 'us/*', to: {'us/a/*': 80, 'eu/*': 20}}]}}}}",
      "{host: reviews, workloadSelector: {matchLabels: {app: ratings}}, exportTo: ['.']}",
  })
  void accepts(String spec) {
    assertThat(validate(spec).errors()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      host is required                      | {subsets: [{name: v1}]}                                              | spec.host: domain name "" invalid (an empty name is not allowed)
      host must be a domain name            | {host: 'reviews_x'}                                                  | spec.host: domain name "reviews_x" invalid
      wildcard only in the first label      | {host: 'a.*.example.com'}                                            | spec.host: domain name "a.*.example.com" invalid
      subset names are DNS-1123 labels      | {host: r, subsets: [{name: V_1}]}                                    | spec.subsets[0].name: subset name is invalid: "V_1"
      subset names are required             | {host: r, subsets: [{labels: {a: b}}]}                               | spec.subsets[0].name: subset name cannot be empty
      subset names are unique               | {host: r, subsets: [{name: v1}, {name: v1}]}                         | spec.subsets[1].name: duplicate subset names: v1
      subset labels are label syntax        | {host: r, subsets: [{name: v1, labels: {'-bad': x}}]}                | spec.subsets[0].labels: label key "-bad" is invalid
      an empty traffic policy is refused    | {host: r, trafficPolicy: {}}                                         | spec.trafficPolicy: traffic policy must have at least one field
      port level settings need a port       | {host: r, trafficPolicy: {portLevelSettings: [{loadBalancer: {simple: RANDOM}}]}} | spec.trafficPolicy.portLevelSettings[0].port: portTrafficPolicy must have valid port
      port level settings need a policy     | {host: r, trafficPolicy: {portLevelSettings: [{port: {number: 80}}]}} | spec.trafficPolicy.portLevelSettings[0]: port traffic policy must have at least one field
      max ejection percent at most 100      | {host: r, trafficPolicy: {outlierDetection: {maxEjectionPercent: 101}}} | spec.trafficPolicy.outlierDetection.maxEjectionPercent: percentage 101 is not in range 0..100
      min health percent at least 0         | {host: r, trafficPolicy: {outlierDetection: {minHealthPercent: -1}}} | spec.trafficPolicy.outlierDetection.minHealthPercent: percentage -1 is not in range 0..100
      local origin failures need the split  | {host: r, trafficPolicy: {outlierDetection: {consecutiveLocalOriginFailures: 3}}} | split external local origin errors is set to false
      ejection time is a duration           | {host: r, trafficPolicy: {outlierDetection: {baseEjectionTime: 30}}} | spec.trafficPolicy.outlierDetection.baseEjectionTime: "30" is not a duration
      durations are at least 1ms            | {host: r, trafficPolicy: {outlierDetection: {interval: 0.0001s}}}    | spec.trafficPolicy.outlierDetection.interval: duration must be greater than 1ms
      durations are whole milliseconds      | {host: r, trafficPolicy: {connectionPool: {tcp: {connectTimeout: 1.0005s}}}} | only durations to ms precision are supported
      mutual TLS needs a client certificate | {host: r, trafficPolicy: {tls: {mode: MUTUAL, privateKey: /k.pem}}}  | spec.trafficPolicy.tls.clientCertificate: client certificate required for mutual tls
      mutual TLS needs a private key        | {host: r, trafficPolicy: {tls: {mode: MUTUAL, clientCertificate: /c.pem}}} | spec.trafficPolicy.tls.privateKey: private key required for mutual tls
      credentialName excludes files         | {host: r, trafficPolicy: {tls: {mode: SIMPLE, credentialName: c, caCertificates: /ca.pem}}} | cannot specify client certificates or CA certificate or CA CRL If credentialName is set
      insecureSkipVerify excludes a CA      | {host: r, trafficPolicy: {tls: {mode: SIMPLE, insecureSkipVerify: true, caCertificates: /ca.pem}}} | cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true
      TLS mode is an enum                   | {host: r, trafficPolicy: {tls: {mode: STRICT}}}                      | spec.trafficPolicy.tls.mode: unknown value "STRICT"
      simple and consistentHash exclude     | {host: r, trafficPolicy: {loadBalancer: {simple: RANDOM, consistentHash: {useSourceIp: true}}}} | spec.trafficPolicy.loadBalancer: only one of simple, consistentHash may be set
      one hash key only                     | {host: r, trafficPolicy: {loadBalancer: {consistentHash: {useSourceIp: true, httpHeaderName: x}}}} | only one of httpHeaderName, httpCookie, useSourceIp, httpQueryParameterName may be set
      ring hash or maglev                   | {host: r, trafficPolicy: {loadBalancer: {consistentHash: {useSourceIp: true, ringHash: {}, maglev: {tableSize: 7}}}}} | only one of ringHash, maglev may be set
      simple LB is an enum                  | {host: r, trafficPolicy: {loadBalancer: {simple: FASTEST}}}          | spec.trafficPolicy.loadBalancer.simple: unknown value "FASTEST"
      cookie hashing needs a name           | {host: r, trafficPolicy: {loadBalancer: {consistentHash: {httpCookie: {ttl: 1s}}}}} | spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.name: name required for HttpCookie
      maglev table is prime                 | {host: r, trafficPolicy: {loadBalancer: {consistentHash: {useSourceIp: true, maglev: {tableSize: 1000}}}}} | tableSize must be a prime number for maglev
      locality weights add up to 100        | {host: r, trafficPolicy: {loadBalancer: {localityLbSetting: {distribute: [{from: 'us/*', to: {'us/*': 50}}]}}}} | total locality weight 50 != 100
      distribute and failover exclude       | {host: r, trafficPolicy: {loadBalancer: {localityLbSetting: {distribute: [{from: a, to: {b: 100}}], failover: [{from: a, to: b}]}}}} | can not simultaneously specify 'distribute' and 'failover'
      failover regions differ               | {host: r, trafficPolicy: {loadBalancer: {localityLbSetting: {failover: [{from: us, to: us}]}}, outlierDetection: {consecutive5xxErrors: 1}}} | locality lb failover settings must specify different regions
      pool limits are non-negative          | {host: r, trafficPolicy: {connectionPool: {http: {maxRetries: -1}}}} | spec.trafficPolicy.connectionPool.http.maxRetries: max retries must be non-negative
      an empty pool is refused              | {host: r, trafficPolicy: {connectionPool: {}}}                       | spec.trafficPolicy.connectionPool: connection pool must have at least one field
      subset policies are checked too       | {host: r, subsets: [{name: v1, trafficPolicy: {tls: {mode: MUTUAL}}}]} | spec.subsets[0].trafficPolicy.tls.clientCertificate: client certificate required for mutual tls
      exportTo has no duplicates            | {host: r, exportTo: [shop, '.']}                                     | spec.exportTo[1]: duplicate entries in exportTo: . and current namespace shop
      exportTo star stands alone            | {host: r, exportTo: ['*', other]}                                    | spec.exportTo: cannot have both public (*) and non-public exportTo values for a resource
      exportTo of a selector rule is local  | {host: r, workloadSelector: {matchLabels: {app: a}}, exportTo: [other]} | destination rule with workload selector cannot have exportTo beyond current namespace
      selectors have no wildcards           | {host: r, workloadSelector: {matchLabels: {app: '*'}}}               | spec.workloadSelector.matchLabels: wildcard is not supported in selector: "app=*"
      warmup needs a duration               | {host: r, trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN, warmup: {aggression: 1.0}}}} | spec.trafficPolicy.loadBalancer.warmup.duration: duration is required
      """)
  void rejects(String rule, String spec, String error) {
    assertThat(validate(spec).errors()).as(rule).anySatisfy(e -> assertThat(e).contains(error));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      deprecated minimum ring size         | {host: r, trafficPolicy: {loadBalancer: {consistentHash: {useSourceIp: true, minimumRingSize: 1024}}}} | consistent hash MinimumRingSize is deprecated
      failover without outlier detection   | {host: r, trafficPolicy: {loadBalancer: {localityLbSetting: {failover: [{from: us, to: eu}]}}}} | outlier detection policy must be provided for failover
      a selector without labels            | {host: r, workloadSelector: {}}                                      | workload selector specified without labels
      """)
  void warnsButAccepts(String rule, String spec, String warning) {
    Validation validation = validate(spec);
    assertThat(validation.errors()).as(rule).isEmpty();
    assertThat(validation.warnings()).anySatisfy(w -> assertThat(w).contains(warning));
  }
}
