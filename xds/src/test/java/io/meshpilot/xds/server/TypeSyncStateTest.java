package io.meshpilot.xds.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TypeSyncStateTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void nothingSentIsNotSent() {
    assertThat(TypeSyncState.empty(XdsType.CLUSTER).status()).isEqualTo(SyncStatus.NOT_SENT);
    assertThat(SyncStatus.NOT_SENT.label()).isEqualTo("NOT SENT");
  }

  @Test
  void sentButNotAckedIsStale() {
    TypeSyncState state = TypeSyncState.empty(XdsType.CLUSTER).withSent("1", "v1", NOW);

    assertThat(state.status()).isEqualTo(SyncStatus.STALE);
  }

  @Test
  void ackOfTheLastSendIsSynced() {
    TypeSyncState state = TypeSyncState.empty(XdsType.CLUSTER).withSent("1", "v1", NOW)
        .withAck("1", "v1");

    assertThat(state.status()).isEqualTo(SyncStatus.SYNCED);
  }

  @Test
  void nackIsAnErrorUntilTheNextAck() {
    TypeSyncState nacked = TypeSyncState.empty(XdsType.CLUSTER).withSent("1", "v1", NOW)
        .withNack("bad listener", NOW);

    assertThat(nacked.status()).isEqualTo(SyncStatus.ERROR);
    assertThat(nacked.withSent("2", "v2", NOW).withAck("2", "v2").status())
        .isEqualTo(SyncStatus.SYNCED);
  }
}
