package io.meshpilot.debughttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.xds.XdsEvents.PushStart;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PushStatusJsonTest {
  private static final Instant START = Instant.parse("2026-01-02T03:04:05.5Z");

  private final MovableClock clock = new MovableClock(START);
  private final PushStatus status = new PushStatus(clock);

  @Test
  void bodyIsEmptyBeforeTheFirstPush() {
    status.pushed("cds", 100); // a response to a proxy's own request, before any push

    assertThat(PushStatusJson.write(status.last())).isEmpty();
  }

  @Test
  void lastPushIsWrittenUnderMeshpilotsKeyIndentedWithFourSpaces() {
    status.started(new PushStart("2026-01-02T03:04:05Z/7", START, true,
        Map.of("service", 1, "endpoint", 2), 2));
    status.pushed("eds", 10);
    status.pushed("cds", 100);
    status.pushed("cds", 50);
    clock.advance(Duration.ofMillis(12));
    status.converged(Duration.ofMillis(12));
    clock.advance(Duration.ofMillis(3));
    status.converged(Duration.ofMillis(15));

    assertThat(PushStatusJson.write(status.last())).isEqualTo("""
        {
            "meshpilot": {
                "version": "2026-01-02T03:04:05Z/7",
                "reasons": {
                    "endpoint": 2,
                    "service": 1
                },
                "full": true,
                "start": "2026-01-02T03:04:05.5Z",
                "duration": "15ms",
                "proxies": 2,
                "proxiesPushed": 2,
                "types": {
                    "cds": {
                        "pushes": 2,
                        "bytes": 150
                    },
                    "eds": {
                        "pushes": 1,
                        "bytes": 10
                    }
                }
            }
        }""");
  }

  @Test
  void aNewPushStartsFromNothing() {
    status.started(new PushStart("v/1", START, true, Map.of("service", 1), 1));
    status.pushed("cds", 100);
    status.converged(Duration.ZERO);

    status.started(new PushStart("v/2", START, false, Map.of("endpoint", 1), 1));

    PushStatus.Snapshot last = status.last().orElseThrow();
    assertThat(last.push().version()).isEqualTo("v/2");
    assertThat(last.proxiesPushed()).isZero();
    assertThat(last.duration()).isZero();
    assertThat(last.types()).isEmpty();
  }

  @Test
  void durationsAreWrittenAsGoDoes() {
    assertThat(PushStatusJson.goDuration(Duration.ZERO)).isEqualTo("0s");
    assertThat(PushStatusJson.goDuration(Duration.ofNanos(750))).isEqualTo("750ns");
    assertThat(PushStatusJson.goDuration(Duration.ofNanos(1_500))).isEqualTo("1.5µs");
    assertThat(PushStatusJson.goDuration(Duration.ofNanos(12_345_678))).isEqualTo("12.345678ms");
    assertThat(PushStatusJson.goDuration(Duration.ofMillis(2_500))).isEqualTo("2.5s");
    assertThat(PushStatusJson.goDuration(Duration.ofMillis(62_500))).isEqualTo("1m2.5s");
    assertThat(PushStatusJson.goDuration(Duration.ofHours(1))).isEqualTo("1h0m0s");
  }

  /** A clock the test moves. */
  private static final class MovableClock extends Clock {
    private Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
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
