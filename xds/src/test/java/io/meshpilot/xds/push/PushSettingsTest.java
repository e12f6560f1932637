package io.meshpilot.xds.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PushSettingsTest {
  @Test
  void defaultsAreIstiods() {
    PushSettings settings = PushSettings.fromEnvironment(Map.of(), 2);

    assertThat(settings).isEqualTo(
        new PushSettings(Duration.ofMillis(100), Duration.ofSeconds(10), true, 25));
  }

  @Test
  void throttleDefaultIsCappedAtOneHundred() {
    assertThat(PushSettings.fromEnvironment(Map.of(), 64).pushThrottle()).isEqualTo(100);
  }

  @Test
  void environmentUsesGoSyntax() {
    PushSettings settings = PushSettings.fromEnvironment(Map.of(
        "PILOT_DEBOUNCE_AFTER", "1.5s",
        "PILOT_DEBOUNCE_MAX", "1m30s",
        "PILOT_ENABLE_EDS_DEBOUNCE", "false",
        "PILOT_PUSH_THROTTLE", "7"), 2);

    assertThat(settings).isEqualTo(
        new PushSettings(Duration.ofMillis(1500), Duration.ofSeconds(90), false, 7));
  }

  @Test
  void unparseableValueNamesTheVariable() {
    assertThatThrownBy(() -> PushSettings.fromEnvironment(Map.of("PILOT_DEBOUNCE_AFTER", "100"), 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PILOT_DEBOUNCE_AFTER");
  }
}
