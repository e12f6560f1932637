package io.meshpilot.controlplane.chart;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad values stop `helm install` with a message naming the value, before anything reaches the cluster. */
class ValuesSchemaTest {
  @Test
  void unknownOutboundTrafficPolicyModeIsRejectedNamingTheAllowedModes() {
    assertThatThrownBy(() -> ChartRenderer.render(Map.of("meshConfig.outboundTrafficPolicy.mode", "SOMETIMES")))
        .hasMessageContaining("at '/meshConfig/outboundTrafficPolicy/mode': value must be one of 'ALLOW_ANY', 'REGISTRY_ONLY'");
  }

  @Test
  void zeroReplicasAreRejected() {
    assertThatThrownBy(() -> ChartRenderer.render(Map.of("replicas", 0)))
        .hasMessageContaining("at '/replicas': minimum: got 0, want 1");
  }

  @Test
  void unknownEndpointsApiIsRejected() {
    assertThatThrownBy(() -> ChartRenderer.render(Map.of("endpointsApi", "slices")))
        .hasMessageContaining("at '/endpointsApi': value must be one of 'endpointslices', 'endpoints'");
  }

  @Test
  void portOutsideTheTcpRangeIsRejected() {
    assertThatThrownBy(() -> ChartRenderer.render(Map.of("ports.grpcXds", 70000)))
        .hasMessageContaining("at '/ports/grpcXds': maximum: got 70,000, want 65,535");
  }

  @Test
  void misspelledTopLevelValueIsRejectedRatherThanIgnored() {
    assertThatThrownBy(() -> ChartRenderer.render(Map.of("replicaCount", 3)))
        .hasMessageContaining("additional properties 'replicaCount' not allowed");
  }

  @Test
  void clientVerificationWithoutAServerCertificateIsRejected() {
    assertThatThrownBy(() -> ChartRenderer.render(Map.of("tls.clientCA", true)))
        .hasMessageContaining("tls.clientCA verifies client certificates on the TLS port: set tls.secretName too");
  }

  @Test
  void xdsWithoutPlaintextAndWithoutTlsIsRejected() {
    assertThatThrownBy(() -> ChartRenderer.render(Map.of("plaintextXds", false)))
        .hasMessageContaining("plaintextXds=false serves xDS only over TLS: set tls.secretName too");
  }

  @Test
  void existingServiceAccountMustBeNamed() {
    assertThatThrownBy(() -> ChartRenderer.render(Map.of("serviceAccount.create", false)))
        .hasMessageContaining("serviceAccount.name is required when serviceAccount.create is false");
  }
}
