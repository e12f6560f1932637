package io.meshpilot.xds.debug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.meshpilot.xds.auth.SpiffeIdentity;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** istiod's debug caller rules: an identity is required, and only system or allowed namespaces see all. */
class DebugAuthorizationTest {
  private static final DebugAuthorization AUTH = new DebugAuthorization(true, "istio-system", Set.of("ops"));

  @Test
  void withoutAnIdentityTheCallerIsUnauthenticated() {
    assertThatThrownBy(() -> AUTH.scope(List.of()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
          assertThat(e.getStatus().getDescription()).isEqualTo("authentication required");
        });
  }

  @Test
  void systemAndAllowedNamespacesSeeEveryProxyOthersTheirOwn() {
    assertThat(AUTH.scope(List.of(id("istio-system")))).isEmpty();
    assertThat(AUTH.scope(List.of(id("ops")))).isEmpty();
    assertThat(AUTH.scope(List.of(id("shop")))).isEqualTo(Optional.of("shop"));
  }

  @Test
  void switchedOffEveryCallerSeesEveryProxy() {
    assertThat(new DebugAuthorization(false, "istio-system", Set.of()).scope(List.of())).isEmpty();
  }

  private static SpiffeIdentity id(String namespace) {
    return new SpiffeIdentity("cluster.local", namespace, "default");
  }
}
