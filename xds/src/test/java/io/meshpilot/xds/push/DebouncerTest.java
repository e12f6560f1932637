package io.meshpilot.xds.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.xds.server.PushRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DebouncerTest {
  private static final long MS = 1_000_000L;

  private final Debouncer debouncer = new Debouncer(Duration.ofMillis(100), Duration.ofSeconds(10));

  @Test
  void firstChangeArmsTheTimerForTheQuietPeriod() {
    assertThat(debouncer.add(PushRequest.endpoints(Set.of("a")), 0))
        .contains(Duration.ofMillis(100));
    assertThat(debouncer.add(PushRequest.endpoints(Set.of("b")), 10 * MS)).isEmpty();
  }

  @Test
  void burstIsMergedIntoOnePush() {
    debouncer.add(PushRequest.endpoints(Set.of("a")), 0);
    debouncer.add(PushRequest.endpoints(Set.of("b")), 20 * MS);
    debouncer.add(PushRequest.endpoints(Set.of("c")), 40 * MS);

    Debouncer.Decision early = debouncer.fire(100 * MS);
    Debouncer.Decision quiet = debouncer.fire(140 * MS);

    assertThat(early).isEqualTo(new Debouncer.Wait(Duration.ofMillis(40)));
    assertThat(quiet).isEqualTo(new Debouncer.Push(
        new PushRequest(false, false, Set.of(), Set.of("a", "b", "c"), Map.of("endpoint", 3)), 3,
        Duration.ofMillis(140)));
  }

  @Test
  void anyServiceChangeMakesTheMergedPushFull() {
    debouncer.add(PushRequest.endpoints(Set.of("a")), 0);
    debouncer.add(PushRequest.fullPush(PushRequest.SERVICE), 10 * MS);

    Debouncer.Decision decision = debouncer.fire(110 * MS);

    assertThat(((Debouncer.Push) decision).request()).isEqualTo(
        new PushRequest(true, true, Set.of(), Set.of(), Map.of("endpoint", 1, "service", 1)));
  }

  @Test
  void neverQuietChangesArePushedAfterTheMaximumDelay() {
    debouncer.add(PushRequest.endpoints(Set.of("a")), 0);
    long now = 0;
    Debouncer.Decision decision;
    do {
      now += 50 * MS;
      debouncer.add(PushRequest.endpoints(Set.of("x" + now)), now);
      decision = debouncer.fire(now);
    } while (decision instanceof Debouncer.Wait);

    assertThat(now).isEqualTo(10_000 * MS);
    assertThat(((Debouncer.Push) decision).events()).isEqualTo(201);
  }

  @Test
  void waitNeverOvershootsTheMaximum() {
    Debouncer shortMax = new Debouncer(Duration.ofMillis(100), Duration.ofMillis(150));
    shortMax.add(PushRequest.fullPush(), 0);
    shortMax.add(PushRequest.fullPush(), 90 * MS);

    assertThat(shortMax.fire(100 * MS)).isEqualTo(new Debouncer.Wait(Duration.ofMillis(50)));
  }

  @Test
  void windowStartsAfreshAfterAPush() {
    debouncer.add(PushRequest.endpoints(Set.of("a")), 0);
    debouncer.fire(100 * MS);

    assertThat(debouncer.add(PushRequest.endpoints(Set.of("b")), 200 * MS))
        .contains(Duration.ofMillis(100));
    assertThat(debouncer.fire(300 * MS)).isEqualTo(new Debouncer.Push(
        PushRequest.endpoints(Set.of("b")), 1, Duration.ofMillis(100)));
  }
}
