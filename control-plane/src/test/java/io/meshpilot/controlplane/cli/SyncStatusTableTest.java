package io.meshpilot.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SyncStatusTableTest {
  private static final Instant NOW = Instant.parse("2026-11-01T10:00:00Z");

  @Test
  void tableHasIstioctlColumnsRowsByProxyAndRejectionsBelow() throws Exception {
    String syncz = Files.readString(Path.of("src/test/resources/cli/syncz.json"));

    String text = SyncStatusTable.render(JsonText.parse(syncz), "localhost:15014", NOW);

    assertThat(text).isEqualTo("""
        NAME                                        CLUSTER        CDS               LDS             EDS            RDS             ISTIOD              VERSION
        productpage-v1-7d9f8b6c5d-v1x4k.default     Kubernetes     ERROR (61m)       SYNCED (3h)     IGNORED        SYNCED (2d)     localhost:15014     1.30.0
        ratings-v1-7d9f8b6c5d-r1.default            Kubernetes     STALE (60s)       IGNORED         ERROR (2m)     IGNORED         localhost:15014     1.29.1
        reviews-v1-7d9f8b6c5d-v1x4k.default         Kubernetes     SYNCED (2m3s)     SYNCED (5s)     STALE (2s)     NOT SENT        localhost:15014     1.30.0

        productpage-v1-7d9f8b6c5d-v1x4k.default CDS rejected at 2026-11-01T08:59:01Z: cluster 'outbound|9080||reviews.default.svc.cluster.local': unknown field
            second line
        ratings-v1-7d9f8b6c5d-r1.default EDS rejected: endpoint rejected
        """);
  }

  @Test
  void statusFollowsIstiodRulesWhenTheServerGivesNone() {
    assertThat(SyncStatusTable.status(JsonText.parse("{\"sent\":\"a\",\"acked\":\"a\",\"lastError\":\"bad\"}")))
        .isEqualTo("ERROR");
    assertThat(SyncStatusTable.status(JsonText.parse("{\"acked\":\"a\"}"))).isEqualTo("NOT SENT");
    assertThat(SyncStatusTable.status(JsonText.parse("{\"sent\":\"a\",\"acked\":\"a\"}"))).isEqualTo("SYNCED");
    assertThat(SyncStatusTable.status(JsonText.parse("{\"sent\":\"b\",\"acked\":\"a\"}"))).isEqualTo("STALE");
    assertThat(SyncStatusTable.status(JsonText.parse("{\"sent\":\"b\",\"status\":\"NOT_SENT\"}"))).isEqualTo("NOT SENT");
  }

  @Test
  void serversWithoutResourcesAreReadFromTheLegacyNonceFields() {
    String syncz = "[{\"proxy\":\"a.ns\",\"cluster_sent\":\"x\",\"cluster_acked\":\"x\",\"listener_sent\":\"y\"}]";

    String text = SyncStatusTable.render(JsonText.parse(syncz), "p", NOW);

    assertThat(text.lines().skip(1).findFirst().orElseThrow())
        .contains("SYNCED", "STALE (Never Acknowledged)", "NOT SENT");
  }
}
