package io.meshpilot.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshpilot.xds.e2e.EnvoyBootstrap.AdsMode;
import io.meshpilot.xds.e2e.SidecarNode.InterceptionMode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The harness reports Envoy's own words when Envoy cannot start or get ready, and leaves nothing running. */
@Timeout(60)
class EnvoyProcessFailureTest {

  private static final SidecarNode NODE = SidecarNode.of("broken-1", "default", "127.0.0.1")
      .withInterceptionMode(InterceptionMode.NONE);

  @Test
  void invalidBootstrapFailsFastWithEnvoysError() {
    EnvoyBootstrap bootstrap = EnvoyBootstrap.forSidecar(NODE)
        .withStaticCluster("{\"name\": \"bad\", \"type\": \"NO_SUCH_TYPE\"}");

    assertThatThrownBy(() -> EnvoyProcess.start(bootstrap))
        .hasMessageContaining("Envoy exited")
        .hasMessageContaining("NO_SUCH_TYPE");
  }

  @Test
  void envoyWithoutAControlPlaneIsNotLiveAndIsStoppedWhenTheWaitFails() throws IOException {
    int unused;
    try (ServerSocket probe = new ServerSocket(0)) {
      unused = probe.getLocalPort(); // closed again: nothing listens there
    }
    EnvoyProcess envoy = EnvoyProcess.start(EnvoyBootstrap.forSidecar(NODE)
        .withAds(AdsMode.SOTW, new InetSocketAddress("127.0.0.1", unused)));
    assertThat(envoy.ready()).isNotEqualTo("LIVE");

    assertThatThrownBy(() -> envoy.awaitLive(Duration.ofSeconds(2)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("control_plane.connected_state=0");
    assertThat(envoy.isRunning()).isFalse();
  }
}
