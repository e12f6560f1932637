package io.meshpilot.registry.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProtoJsonFormTest {

  @ParameterizedTest(name = "{0} ns")
  @CsvSource({
      "0, 0s",
      "30000000, 0.030s",
      "10000000000, 10s",
      "1500000, 0.001500s",
      "1000000001, 1.000000001s",
      "-1500000000, -1.500s",
      "-500000000, -0.500s",
  })
  void durationsPrintAsProtobufJsonSeconds(long nanos, String expected) {
    assertThat(ProtoJsonForm.seconds(Duration.ofNanos(nanos))).isEqualTo(expected);
  }

  @Test
  void onlyDurationAndInt64FieldsChange() {
    Map<String, Object> tree = Map.of("http", List.of(Map.of("timeout", "1m", "name", "30ms")),
        "maglev", Map.of("tableSize", 65537));

    assertThat(ProtoJsonForm.apply(tree)).isEqualTo(Map.of("http", List.of(Map.of("timeout", "60s", "name", "30ms")),
        "maglev", Map.of("tableSize", "65537")));
  }
}
