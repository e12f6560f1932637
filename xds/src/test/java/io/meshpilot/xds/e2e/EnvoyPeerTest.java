package io.meshpilot.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** How tests find Envoy, and what they do when it is not installed (no Envoy is started here). */
class EnvoyPeerTest {

  @TempDir
  Path peers;

  @Test
  void missingBinaryFailsTheTestUnderCi() {
    Map<String, String> env = Map.of("CI", "true", "MESHPILOT_ENVOY", peers.resolve("no-such-envoy").toString());

    assertThatThrownBy(() -> EnvoyPeer.locate(env))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("scripts/install-peers.sh")
        .hasMessageContaining(peers.resolve("no-such-envoy").toString());
  }

  @Test
  void missingBinarySkipsTheTestOutsideCi() {
    Map<String, String> env = Map.of("MESHPILOT_ENVOY", peers.resolve("no-such-envoy").toString());

    assertThatThrownBy(() -> EnvoyPeer.locate(env))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("scripts/install-peers.sh");
  }

  @Test
  void nonExecutableFileCountsAsMissing() throws IOException {
    Path envoy = Files.writeString(peers.resolve("envoy"), "not a binary");
    Files.setPosixFilePermissions(envoy, PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> EnvoyPeer.locate(Map.of("CI", "true", "MESHPILOT_ENVOY", envoy.toString())))
        .isInstanceOf(AssertionFailedError.class);
  }

  @Test
  void withoutTheVariableTheInstallScriptsCacheIsUsed() throws IOException {
    Path envoy = executable(peers.resolve("envoy-" + EnvoyPeer.VERSION).resolve("envoy"));

    assertThat(EnvoyPeer.locate(Map.of("CI", "true", "MESHPILOT_PEERS_DIR", peers.toString()))).isEqualTo(envoy);
  }

  @Test
  void defaultCacheIsUnderTheHomeDirectory() {
    assertThat(EnvoyPeer.defaultPath(Map.of("HOME", "/home/dev")))
        .isEqualTo(Path.of("/home/dev/.cache/meshpilot/envoy-" + EnvoyPeer.VERSION + "/envoy"));
  }

  @Test
  void theVariableWinsOverTheCache() throws IOException {
    executable(peers.resolve("envoy-" + EnvoyPeer.VERSION).resolve("envoy"));
    Path chosen = executable(peers.resolve("elsewhere").resolve("envoy"));

    assertThat(EnvoyPeer.locate(Map.of("MESHPILOT_PEERS_DIR", peers.toString(), "MESHPILOT_ENVOY", chosen.toString())))
        .isEqualTo(chosen);
  }

  private static Path executable(Path path) throws IOException {
    Files.createDirectories(path.getParent());
    Files.writeString(path, "#!/bin/sh\n");
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    return path;
  }
}
