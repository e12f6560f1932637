package io.meshpilot.controlplane.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code plaintextXds=false}: xDS only on the TLS port; 15010 is neither served, exposed nor advertised. */
class PlaintextXdsOffTest {
  private static final Map<String, Object> VALUES = Map.of("plaintextXds", false, "tls.secretName", "meshpilot-tls");
  private static RenderedChart chart;
  private static Container container;

  @BeforeAll
  static void render() {
    chart = ChartRenderer.render(VALUES);
    container = RenderedPod.of(chart).container();
  }

  @Test
  void serverIsToldNotToOpenThePlaintextListener() {
    assertThat(container.getArgs()).contains("--no-plaintext-xds", "--tls-port=15012")
        .noneMatch(arg -> arg.startsWith("--grpc-port"));
  }

  @Test
  void neitherTheContainerNorTheServiceHasAPlaintextXdsPort() {
    assertThat(container.getPorts()).extracting(p -> p.getName() + "=" + p.getContainerPort())
        .containsExactly("https-xds=15012", "http-monitoring=15014");
    assertThat(chart.one(Service.class).getSpec().getPorts()).extracting(ServicePort::getName)
        .containsExactly("https-xds", "http-monitoring");
  }

  @Test
  void notesSayPlaintextIsOff() {
    assertThat(ChartRenderer.notes(VALUES)).contains("plaintext xDS is off (plaintextXds=false): TLS only.")
        .doesNotContain(":15010");
  }
}
