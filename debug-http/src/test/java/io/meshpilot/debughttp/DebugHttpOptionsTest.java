package io.meshpilot.debughttp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DebugHttpOptionsTest {
  @Test
  void defaultsMatchIstiod() {
    DebugHttpOptions options = DebugHttpOptions.fromEnvironment("0.0.0.0", 15014, "v", Optional.empty(), "", Map.of());

    assertThat(options.debugEnabled()).isTrue();
    assertThat(options.namespaceAuthorization()).isTrue();
    assertThat(options.tokenReview()).isFalse();
    assertThat(options.tokenAudiences()).containsExactly("istio-ca");
    assertThat(options.systemNamespace()).isEqualTo("istio-system");
    assertThat(options).isEqualTo(new DebugHttpOptions("0.0.0.0", 15014, "v"));
  }

  @Test
  void environmentSwitchesAreReadOnce() {
    DebugHttpOptions options = DebugHttpOptions.fromEnvironment("0.0.0.0", 15014, "v", Optional.empty(), "mesh-root",
        Map.of("ENABLE_DEBUG_ON_HTTP", "false", "ENABLE_DEBUG_ENDPOINT_AUTH", "0",
            "TOKEN_AUDIENCES", "istio-ca,meshpilot", "KUBERNETES_SERVICE_HOST", "10.96.0.1"));

    assertThat(options.debugEnabled()).isFalse();
    assertThat(options.namespaceAuthorization()).isFalse();
    assertThat(options.tokenReview()).isTrue();
    assertThat(options.tokenAudiences()).containsExactly("istio-ca", "meshpilot");
    assertThat(options.systemNamespace()).isEqualTo("mesh-root");
  }

  @Test
  void xdsAuthFalseTurnsTokenReviewOffInACluster() {
    DebugHttpOptions options = DebugHttpOptions.fromEnvironment("0.0.0.0", 15014, "v", Optional.empty(), "",
        Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "XDS_AUTH", "false"));
    assertThat(options.tokenReview()).isFalse();
  }

  @Test
  void aTokenFileTakesPrecedenceOverTokenReview() {
    DebugHttpOptions options = DebugHttpOptions.fromEnvironment("0.0.0.0", 15014, "v", Optional.of(Path.of("/etc/tokens")),
        "istio-system", Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1"));

    assertThat(options.tokenReview()).isFalse();
    assertThat(options.tokenFile()).contains(Path.of("/etc/tokens"));
  }

  @Test
  void unparseableBooleansKeepTheDefault() {
    DebugHttpOptions options = DebugHttpOptions.fromEnvironment("0.0.0.0", 15014, "v", Optional.empty(), "istio-system",
        Map.of("ENABLE_DEBUG_ON_HTTP", "nope"));

    assertThat(options.debugEnabled()).isTrue();
    assertThat(options.allowedNamespaces()).isEqualTo(List.of());
  }
}
