package io.meshpilot.registry.realcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A missing etcd or kube-apiserver fails the test under CI and skips it elsewhere, saying what to run. */
class RealApiServerPeersTest {
  @TempDir
  Path dir;

  @Test
  void missingPeerFailsUnderCi() {
    Map<String, String> env = Map.of("CI", "true", "MESHPILOT_PEERS_DIR", dir.toString());
    assertThatThrownBy(() -> RealApiServer.Peers.find(env)).isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("no executable " + dir.resolve("etcd-" + RealApiServer.ETCD_VERSION).resolve("etcd"))
        .hasMessageContaining("run scripts/install-peers.sh");
  }

  @Test
  void missingPeerSkipsOutsideCi() {
    Map<String, String> env = Map.of("MESHPILOT_ETCD", "/bin/sh", "MESHPILOT_KUBE_APISERVER",
        dir.resolve("kube-apiserver").toString());
    assertThatThrownBy(() -> RealApiServer.Peers.find(env)).isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("no executable " + dir.resolve("kube-apiserver"));
  }

  @Test
  void explicitPathsWin() {
    assertThat(RealApiServer.Peers.find(Map.of("MESHPILOT_ETCD", "/bin/sh", "MESHPILOT_KUBE_APISERVER", "/bin/sh")))
        .isEqualTo(new RealApiServer.Peers(Path.of("/bin/sh"), Path.of("/bin/sh")));
  }
}
