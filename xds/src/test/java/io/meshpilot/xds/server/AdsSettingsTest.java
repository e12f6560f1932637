package io.meshpilot.xds.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AdsSettingsTest {
  @Test
  void admissionIsDeterminedByTheMachineSizeWhenUnsetOrNotPositive() {
    assertThat(AdsSettings.fromEnvironment(Map.of(), 2).maxRequestsPerSecond()).isEqualTo(100);
    assertThat(AdsSettings.fromEnvironment(Map.of(), 1).maxRequestsPerSecond()).isEqualTo(80);
    assertThat(AdsSettings.fromEnvironment(Map.of(), 64).maxRequestsPerSecond()).isEqualTo(400);
    // istiod reads 0 (its env default) and negative values as "determine it"
    assertThat(AdsSettings.fromEnvironment(Map.of("PILOT_MAX_REQUESTS_PER_SECOND", "0"), 2)
        .maxRequestsPerSecond()).isEqualTo(100);
    assertThat(AdsSettings.fromEnvironment(Map.of("PILOT_MAX_REQUESTS_PER_SECOND", "-1"), 2)
        .maxRequestsPerSecond()).isEqualTo(100);
  }

  @Test
  void anExplicitRateIsTakenAsItIs() {
    assertThat(AdsSettings.fromEnvironment(Map.of("PILOT_MAX_REQUESTS_PER_SECOND", "25"), 2)
        .maxRequestsPerSecond()).isEqualTo(25);
    assertThat(AdsSettings.fromEnvironment(Map.of("PILOT_MAX_REQUESTS_PER_SECOND", "2.5"), 8)
        .maxRequestsPerSecond()).isEqualTo(2.5);
  }

  @Test
  void aRateThatIsNotANumberNamesTheVariable() {
    assertThatThrownBy(() -> AdsSettings.fromEnvironment(Map.of("PILOT_MAX_REQUESTS_PER_SECOND", "fast"), 2))
        .hasMessageContaining("PILOT_MAX_REQUESTS_PER_SECOND");
  }
}
