package io.meshpilot.xds.conflict;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.Rejection;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GenerationConflictsTest {
  private static final Conflict LOWER = new Conflict(new ObjectKey("ServiceEntry", "default", "api-lower"),
      "route 80: domain api.example.com already served by ServiceEntry default/api-upper (Api.example.com)");
  private static final GeneratedResource ROUTE_IN_DEFAULT = new GeneratedResource("RDS", "80", "default");
  private static final GeneratedResource ROUTE_IN_SHOP = new GeneratedResource("RDS", "80", "shop");

  private final GenerationConflicts conflicts =
      new GenerationConflicts(Clock.fixed(Instant.parse("2026-12-02T07:00:00Z"), ZoneOffset.UTC));

  @Test
  void generatingAgainAndAgainListsAConflictOnce() {
    for (int i = 0; i < 5; i++) {
      conflicts.replace(ROUTE_IN_DEFAULT, Set.of(LOWER));
      conflicts.replace(ROUTE_IN_SHOP, Set.of(LOWER));
    }

    assertThat(conflicts.rejections()).containsExactly(new Rejection(LOWER.loser(), "xds", LOWER.reason(),
        Instant.parse("2026-12-02T07:00:00Z")));
  }

  @Test
  void aConflictStaysWhileAnyGenerationStillFindsItAndGoesWithTheLast() {
    conflicts.replace(ROUTE_IN_DEFAULT, Set.of(LOWER));
    conflicts.replace(ROUTE_IN_SHOP, Set.of(LOWER));

    conflicts.replace(ROUTE_IN_DEFAULT, Set.of());
    assertThat(conflicts.rejections()).hasSize(1);

    conflicts.replace(ROUTE_IN_SHOP, Set.of());
    assertThat(conflicts.rejections()).isEmpty();
  }
}
