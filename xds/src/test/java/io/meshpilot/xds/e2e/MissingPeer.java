package io.meshpilot.xds.e2e;

import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test does when a real peer (Envoy, root, iproute2, iptables) is not there: under CI
 * ({@code CI=true}) it fails, because CI must prove the product against the real thing; on a developer
 * machine it is skipped (aborted) with the same message.
 */
public final class MissingPeer {

  static final String INSTALL_HINT = "run scripts/install-peers.sh (./dev.sh test does it)";

  private MissingPeer() {}

  /** Never returns: fails under CI, aborts otherwise. */
  public static RuntimeException report(Map<String, String> env, String message) {
    if ("true".equalsIgnoreCase(env.getOrDefault("CI", ""))) {
      Assertions.fail(message);
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }
}
