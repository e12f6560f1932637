package io.meshpilot.debughttp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GoJsonWriterTest {

  @Test
  void controlCharactersUseLowercaseHexLikeGo() throws IOException {
    assertThat(new GoJsonWriter(false).string("\u001b\u007f").toString()).isEqualTo("\"\\u001b\u007f\"");
  }

  @Test
  void lineAndParagraphSeparatorsAreEscaped() throws IOException {
    assertThat(new GoJsonWriter(false).string("a\u2028b\u2029").toString()).isEqualTo("\"a\\u2028b\\u2029\"");
  }

  @Test
  void loneSurrogateBecomesReplacementCharacterAsInvalidUtf8DoesInGo() throws IOException {
    assertThat(new GoJsonWriter(false).string("x\uD800y").toString()).isEqualTo("\"x\uFFFDy\"");
    assertThat(new GoJsonWriter(false).string("\uD83D\uDE00").toString()).isEqualTo("\"\uD83D\uDE00\"");
  }

  @Test
  void mapKeysSortInUtf8ByteOrder() throws IOException {
    // UTF-16 order would put U+FF01 after the surrogate pair of U+1F600; UTF-8 order puts it first.
    String json = new GoJsonWriter(false).stringMapOrNull(Map.of("\uD83D\uDE00", "1", "\uFF01", "2")).toString();

    assertThat(json).isEqualTo("{\"\uFF01\":\"2\",\"\uD83D\uDE00\":\"1\"}");
  }

  @Test
  void emptyObjectsAndArraysStayOnOneLineWhenPretty() throws IOException {
    GoJsonWriter json = new GoJsonWriter(true);
    json.startObject().name("a").startArray().endArray().name("b").startObject().endObject().endObject();

    assertThat(json.toString()).isEqualTo("{\n    \"a\": [],\n    \"b\": {}\n}");
  }

  @Test
  void zeroTimeIsGosZeroValue() {
    assertThat(GoTime.format(java.time.Instant.parse("0001-01-01T00:00:00Z"))).isEqualTo("0001-01-01T00:00:00Z");
  }

  @Test
  void timeDropsTrailingFractionalZeros() {
    assertThat(GoTime.format(Instant.parse("2024-05-01T10:20:30.100Z"))).isEqualTo("2024-05-01T10:20:30.1Z");
    assertThat(GoTime.format(Instant.parse("2024-05-01T10:20:30.000000009Z")))
        .isEqualTo("2024-05-01T10:20:30.000000009Z");
  }
}
