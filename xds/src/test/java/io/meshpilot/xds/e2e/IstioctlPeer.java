package io.meshpilot.xds.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds the real istioctl that scripts/install-istio.sh builds from the pinned istio.io/istio
 * module: {@code MESHPILOT_ISTIOCTL} if set, else {@code istio-<MODULE_VERSION>/istioctl} under
 * {@code MESHPILOT_PEERS_DIR} (default {@code ~/.cache/meshpilot}). A missing binary fails the test
 * under {@code CI=true} and skips it elsewhere, saying how to build it.
 */
final class IstioctlPeer {
  /** The istio.io/istio module version istioctl is built from (master of 2026-08-27, Istio 1.31). */
  static final String MODULE_VERSION = "v0.0.0-20260827124520-eed52ebb66ad";

  private IstioctlPeer() {}

  /** The istioctl binary for this run (fails or aborts the test when it is missing). */
  static Path binary() {
    return locate(System.getenv());
  }

  static Path locate(Map<String, String> env) {
    String explicit = env.getOrDefault("MESHPILOT_ISTIOCTL", "");
    Path candidate = !explicit.isBlank() ? Path.of(explicit)
        : EnvoyPeer.defaultPath(env).getParent().resolveSibling("istio-" + MODULE_VERSION).resolve("istioctl");
    if (!Files.isRegularFile(candidate) || !Files.isExecutable(candidate)) {
      throw MissingPeer.report(env, "istioctl (istio.io/istio@" + MODULE_VERSION + ") not found at " + candidate
          + " (MESHPILOT_ISTIOCTL=" + env.getOrDefault("MESHPILOT_ISTIOCTL", "<unset>")
          + "); run scripts/install-istio.sh (./dev.sh test does it)");
    }
    return candidate;
  }
}
