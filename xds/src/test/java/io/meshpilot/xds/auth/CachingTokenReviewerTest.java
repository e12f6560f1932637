package io.meshpilot.xds.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CachingTokenReviewerTest {
  private final MutableClock clock = new MutableClock();
  private final List<String> reviewed = new ArrayList<>();
  private final TokenReviewer delegate = token -> {
    reviewed.add(token);
    return token.startsWith("good") ? Optional.of("system:serviceaccount:ns1:" + token) : Optional.empty();
  };
  private final CachingTokenReviewer cache =
      new CachingTokenReviewer(delegate, Duration.ofMinutes(1), Duration.ofSeconds(5), clock, 3);

  @Test
  void acceptedTokenIsReviewedOncePerTtl() {
    assertThat(cache.review("good-1")).contains("system:serviceaccount:ns1:good-1");
    clock.advance(Duration.ofSeconds(59));
    assertThat(cache.review("good-1")).contains("system:serviceaccount:ns1:good-1");
    assertThat(reviewed).containsExactly("good-1");

    clock.advance(Duration.ofSeconds(1));
    cache.review("good-1");
    assertThat(reviewed).containsExactly("good-1", "good-1");
  }

  @Test
  void refusalIsRememberedForTheShorterTtl() {
    assertThat(cache.review("bad")).isEmpty();
    clock.advance(Duration.ofSeconds(4));
    assertThat(cache.review("bad")).isEmpty();
    assertThat(reviewed).containsExactly("bad");
    clock.advance(Duration.ofSeconds(1));
    cache.review("bad");
    assertThat(reviewed).containsExactly("bad", "bad");
  }

  @Test
  void keepsAtMostMaxEntriesDroppingTheOldest() {
    for (String token : List.of("good-1", "good-2", "good-3", "good-4")) {
      cache.review(token);
    }
    assertThat(cache.size()).isEqualTo(3);
    cache.review("good-4");
    cache.review("good-1");
    assertThat(reviewed).containsExactly("good-1", "good-2", "good-3", "good-4", "good-1");
  }

  /** A clock the test moves. */
  static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-12-02T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
