package io.meshpilot.registry.networking;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The protobuf JSON form of {@code google.protobuf.Duration}, as Istio specs write it: seconds with
 * up to nine fractional digits and an {@code s} suffix ({@code "5s"}, {@code "0.250s"}, {@code "-1.5s"}).
 * The one parser for spec durations; generators and validation both use it.
 */
public final class ProtoDuration {
  private static final Pattern FORM = Pattern.compile("-?\\d+(\\.\\d{1,9})?s");
  /** protobuf's range: ±10,000 years. */
  private static final long MAX_SECONDS = 315_576_000_000L;

  private ProtoDuration() {}

  /** The duration {@code text} spells, or empty when it is not a protobuf JSON duration. */
  public static Optional<Duration> parse(String text) {
    if (text == null || !FORM.matcher(text).matches()) {
      return Optional.empty();
    }
    BigDecimal seconds = new BigDecimal(text.substring(0, text.length() - 1));
    if (seconds.abs().compareTo(BigDecimal.valueOf(MAX_SECONDS)) > 0) {
      return Optional.empty();
    }
    long whole = seconds.longValue();
    long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
    return Optional.of(Duration.ofSeconds(whole, nanos));
  }
}
