package io.meshpilot.registry.networking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

/** The spec records bind from Istio's own YAML, field names as Istio writes them. */
class TrafficSpecBindingTest {
  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  @Test
  void destinationRuleBindsSubsetsAndPolicies() throws Exception {
    DestinationRule rule = yaml.readValue("""
        host: reviews.shop.svc.cluster.local
        trafficPolicy:
          loadBalancer:
            consistentHash:
              httpCookie: {name: user, ttl: 0s}
          connectionPool:
            tcp: {maxConnections: 100, connectTimeout: 30ms}
            http: {http1MaxPendingRequests: "10", maxRetries: 3}
          outlierDetection: {consecutive5xxErrors: 7, interval: 5m, baseEjectionTime: 15m}
          portLevelSettings:
          - port: {number: 80}
            loadBalancer: {simple: LEAST_REQUEST}
        subsets:
        - name: v1
          labels: {version: v1}
        """, DestinationRule.class);
    assertThat(rule.subsets()).singleElement().satisfies(s -> assertThat(s.labels()).containsEntry("version", "v1"));
    assertThat(rule.trafficPolicy().connectionPool().http().http1MaxPendingRequests()).isEqualTo(10);
    assertThat(rule.trafficPolicy().loadBalancer().consistentHash().httpCookie().name()).isEqualTo("user");
    assertThat(rule.trafficPolicy().portLevelSettings().get(0).port().number()).isEqualTo(80);
    assertThat(rule.exportTo()).isEmpty();
  }

  @Test
  void virtualServiceBindsMatchesAndWeights() throws Exception {
    VirtualService vs = yaml.readValue("""
        hosts: [reviews]
        http:
        - match:
          - headers:
              end-user: {exact: jason}
            uri: {prefix: /api}
          route:
          - destination: {host: reviews, subset: v2, port: {number: 9080}}
            weight: 80
          retries: {attempts: 3, perTryTimeout: 2s, retryOn: 5xx}
          fault:
            abort: {httpStatus: 503, percentage: {value: 0.1}}
        tcp:
        - route:
          - destination: {host: db}
        """, VirtualService.class);
    VirtualService.HttpRoute route = vs.http().get(0);
    assertThat(route.match().get(0).headers().get("end-user").exact()).isEqualTo("jason");
    assertThat(route.route().get(0).destination().port().number()).isEqualTo(9080);
    assertThat(route.fault().abort().percentage().value()).isEqualTo(0.1);
    assertThat(vs.tcp()).hasSize(1);
    assertThat(vs.gateways()).isEmpty();
  }

  @Test
  void sidecarBindsEgressHostsAndSelector() throws Exception {
    Sidecar sidecar = yaml.readValue("""
        workloadSelector:
          labels: {app: ratings}
        egress:
        - hosts: ["./*", "istio-system/*"]
        outboundTrafficPolicy: {mode: REGISTRY_ONLY}
        """, Sidecar.class);
    assertThat(sidecar.workloadSelector().selector()).containsEntry("app", "ratings");
    assertThat(sidecar.egress().get(0).hosts()).containsExactly("./*", "istio-system/*");
    assertThat(sidecar.ingress()).isEmpty();
  }
}
