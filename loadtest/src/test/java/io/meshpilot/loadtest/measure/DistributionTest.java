package io.meshpilot.loadtest.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class DistributionTest {
  @Test
  void nearestRankPercentilesOfOneToAHundred() {
    long[] values = LongStream.rangeClosed(1, 100).toArray();
    assertThat(Distribution.percentile(values, 50)).isEqualTo(50);
    assertThat(Distribution.percentile(values, 99)).isEqualTo(99);
    assertThat(Distribution.percentile(values, 100)).isEqualTo(100);
  }

  @Test
  void withFewSamplesTheP99IsTheMax() {
    long[] values = {1, 2, 3};
    assertThat(Distribution.percentile(values, 50)).isEqualTo(2);
    assertThat(Distribution.percentile(values, 99)).isEqualTo(3);
  }

  @Test
  void summarisesNanosecondsAsSecondsWhateverTheOrder() {
    Distribution d = Distribution.ofNanos(List.of(3_000_000_000L, 1_000_000_000L, 2_000_000_000L));
    assertThat(d).isEqualTo(new Distribution(3, 2.0, 3.0, 3.0));
  }

  @Test
  void noSamplesIsEmpty() {
    assertThat(Distribution.ofNanos(List.of())).isEqualTo(Distribution.EMPTY);
    assertThatThrownBy(() -> Distribution.percentile(new long[0], 50)).isInstanceOf(IllegalArgumentException.class);
  }
}
