package io.meshpilot.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SmallFormatsTest {
  @Test
  void tabTablePadsEveryCellButTheLastToTheWidestPlusPadding() {
    String text = new TabTable(5).row("NAME", "TYPE", "RULE").row("a-long-name", "EDS", "").render();
    assertThat(text).isEqualTo("""
        NAME            TYPE     RULE
        a-long-name     EDS     \s
        """);
  }

  @Test
  void humanDurationFollowsKubectlAgeSteps() {
    assertThat(HumanDuration.format(Duration.ofSeconds(5))).isEqualTo("5s");
    assertThat(HumanDuration.format(Duration.ofSeconds(119))).isEqualTo("119s");
    assertThat(HumanDuration.format(Duration.ofSeconds(123))).isEqualTo("2m3s");
    assertThat(HumanDuration.format(Duration.ofMinutes(4))).isEqualTo("4m");
    assertThat(HumanDuration.format(Duration.ofMinutes(61))).isEqualTo("61m");
    assertThat(HumanDuration.format(Duration.ofMinutes(200))).isEqualTo("3h20m");
    assertThat(HumanDuration.format(Duration.ofHours(30))).isEqualTo("30h");
    assertThat(HumanDuration.format(Duration.ofHours(50))).isEqualTo("2d2h");
    assertThat(HumanDuration.format(Duration.ofDays(40))).isEqualTo("40d");
    assertThat(HumanDuration.format(Duration.ofDays(800))).isEqualTo("2y70d");
    assertThat(HumanDuration.format(Duration.ofMillis(-500))).isEqualTo("0s");
    assertThat(HumanDuration.format(Duration.ofSeconds(-5))).isEqualTo("<invalid>");
  }

  @Test
  void unifiedDiffShowsOnlyTheChangedRegionWithItsContext() {
    String diff = UnifiedDiff.diff("a\nb\nc\nd\ne", "a\nb\nx\nd\ne", "Left", "Right", 1);
    assertThat(diff).isEqualTo("""
        --- Left
        +++ Right
        @@ -2,3 +2,3 @@
         b
        -c
        +x
         d
        """);
  }

  @Test
  void unifiedDiffSplitsDistantChangesIntoHunks() {
    String a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10";
    String b = "1\nTWO\n3\n4\n5\n6\n7\n8\nNINE\n10";
    assertThat(UnifiedDiff.diff(a, b, "A", "B", 1)).isEqualTo("""
        --- A
        +++ B
        @@ -1,3 +1,3 @@
         1
        -2
        +TWO
         3
        @@ -8,3 +8,3 @@
         8
        -9
        +NINE
         10
        """);
  }

  @Test
  void unifiedDiffOfEqualTextsIsEmpty() {
    assertThat(UnifiedDiff.diff("{\n}", "{\n}", "A", "B", 7)).isEmpty();
  }

  @Test
  void canonicalJsonIgnoresFieldCaseKeyOrderAndNumberSpelling() {
    var envoy = JsonText.parse("{\"connect_timeout\":\"10s\",\"name\":\"c\",\"@type\":\"t\",\"weight\":1.0}");
    var meshpilot = JsonText.parse("{\"@type\":\"t\",\"name\":\"c\",\"weight\":1,\"connectTimeout\":\"10s\"}");
    assertThat(JsonText.canonical(envoy)).isEqualTo(JsonText.canonical(meshpilot));
    assertThat(JsonText.pretty(JsonText.canonical(envoy))).startsWith("{\n    \"@type\": \"t\",\n    \"name\": \"c\",");
  }
}
