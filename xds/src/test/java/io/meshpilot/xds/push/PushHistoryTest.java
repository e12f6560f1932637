package io.meshpilot.xds.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.xds.server.PushRequest;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PushHistoryTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private final PushHistory history = new PushHistory();

  private PushRecord push(int counter, int secondsAfterT0, PushRequest request) {
    PushRecord record = new PushRecord("v/" + counter, T0.plusSeconds(secondsAfterT0), request.full(), request.global(),
        request.reasons(), 1);
    history.record(record, request);
    return record;
  }

  @Test
  void theFirstPushNamingTheHostnameAfterTheChangeCarriesIt() {
    push(1, 0, PushRequest.endpoints(Set.of("a")));
    PushRecord carrying = push(2, 10, PushRequest.endpoints(Set.of("a", "b")));

    assertThat(history.firstCarrying("a", T0.plusSeconds(5), false)).contains(carrying);
    assertThat(history.firstCarrying("a", T0.plusSeconds(11), false)).isEmpty();
    assertThat(history.firstCarrying("c", T0, false)).isEmpty();
  }

  @Test
  void aServiceChangeIsCarriedOnlyByAFullPushWhileEndpointsAreCarriedByEither() {
    PushRecord full = push(1, 10, PushRequest.services(Set.of("a")));
    PushRecord eds = push(2, 5, PushRequest.endpoints(Set.of("a")));

    assertThat(history.firstCarrying("a", T0, true)).contains(full);
    assertThat(history.firstCarrying("a", T0, false)).contains(eds);
  }

  @Test
  void aGlobalPushCarriesEveryHostname() {
    push(1, 0, PushRequest.services(Set.of("a")));
    PushRecord global = push(2, 10, PushRequest.fullPush());

    assertThat(history.firstCarrying("a", T0.plusSeconds(1), true)).contains(global);
    assertThat(history.firstCarrying("never-named", T0, false)).contains(global);
  }

  @Test
  void theInitialContextIsAGlobalPushWithoutReasons() {
    history.initial("v/1", T0);

    assertThat(history.firstCarrying("a", T0.minusSeconds(1), true))
        .hasValueSatisfying(p -> assertThat(p.reasons()).isEmpty());
  }

  @Test
  void onlyTheLastPushesAreKept() {
    for (int i = 0; i < PushHistory.RECENT + 5; i++) {
      push(i, i, new PushRequest(false, false, Set.of(), Set.of("a"), Map.of(PushRequest.ENDPOINT, 1)));
    }

    assertThat(history.recent()).hasSize(PushHistory.RECENT);
    assertThat(history.recent().getFirst().version()).isEqualTo("v/5");
  }
}
