package io.meshpilot.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** How tests find istioctl, and what they do when it is not built (no istioctl is run here). */
class IstioctlPeerTest {
  @TempDir
  Path peers;

  @Test
  void missingBinaryFailsTheTestUnderCiAndSkipsItElsewhere() {
    String missing = peers.resolve("no-such-istioctl").toString();

    assertThatThrownBy(() -> IstioctlPeer.locate(Map.of("CI", "true", "MESHPILOT_ISTIOCTL", missing)))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("scripts/install-istio.sh")
        .hasMessageContaining(missing);
    assertThatThrownBy(() -> IstioctlPeer.locate(Map.of("MESHPILOT_ISTIOCTL", missing)))
        .isInstanceOf(TestAbortedException.class);
  }

  @Test
  void withoutTheVariableItIsLookedForInThePeersDirectory() throws Exception {
    Path binary = peers.resolve("istio-" + IstioctlPeer.MODULE_VERSION).resolve("istioctl");
    Files.createDirectories(binary.getParent());
    Files.createFile(binary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));

    assertThat(IstioctlPeer.locate(Map.of("MESHPILOT_PEERS_DIR", peers.toString()))).isEqualTo(binary);
  }
}
