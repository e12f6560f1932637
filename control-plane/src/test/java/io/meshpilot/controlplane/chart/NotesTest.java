package io.meshpilot.controlplane.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NotesTest {
  @Test
  void tellsHowToReachRegistryzAndWhereSidecarsConnect() {
    String notes = ChartRenderer.notes(Map.of());

    assertThat(notes).contains(
        "kubectl -n istio-system port-forward deployment/meshpilot 15014:15014",
        "curl -s localhost:15014/debug/registryz",
        "curl -s localhost:15014/debug/syncz",
        "plaintext xDS: meshpilot.istio-system.svc:15010",
        "TLS xDS on 15012 is off");
  }

  @Test
  void namesTheTlsAddressWhenTlsIsOn() {
    String notes = ChartRenderer.notes(Map.of("tls.secretName", "meshpilot-tls", "tls.clientCA", true));

    assertThat(notes).contains("TLS xDS:       meshpilot.istio-system.svc:15012")
        .contains("clients must present a certificate")
        .doesNotContain("is off");
  }
}
