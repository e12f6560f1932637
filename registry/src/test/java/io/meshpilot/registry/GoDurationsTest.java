package io.meshpilot.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "0, 0",
      "30ms, 30000000",
      "1.5s, 1500000000",
      "0.250s, 250000000",
      "1m30s, 90000000000",
      "2h, 7200000000000",
      "100us, 100000",
      "7ns, 7",
  })
  void parsesGoDurations(String text, long nanos) {
    assertThat(GoDurations.parse(text)).contains(Duration.ofNanos(nanos));
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"", "5", "1x", "s", "1.5", "1s 2s", "soon"})
  void refusesWhatGoRefuses(String text) {
    assertThat(GoDurations.parse(text)).isEmpty();
  }
}
