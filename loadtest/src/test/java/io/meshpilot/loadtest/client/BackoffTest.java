package io.meshpilot.loadtest.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

  @Test
  void theCeilingDoublesPerFailureUpToTheMax() {
    assertThat(backoff.ceilingMillis(1)).isEqualTo(500);
    assertThat(backoff.ceilingMillis(2)).isEqualTo(1000);
    assertThat(backoff.ceilingMillis(7)).isEqualTo(30_000);
    assertThat(backoff.ceilingMillis(1000)).isEqualTo(30_000);
  }

  @Test
  void waitsAreJitteredBelowTheCeiling() {
    Random random = new Random(7);
    for (int i = 0; i < 1000; i++) {
      assertThat(backoff.next(3, random)).isPositive().isLessThanOrEqualTo(Duration.ofMillis(2000));
    }
  }
}
