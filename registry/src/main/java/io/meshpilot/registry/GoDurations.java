package io.meshpilot.registry;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one parser of durations written Go's way ({@code 0}, {@code 100ms}, {@code 1m30s},
 * {@code 1.5s}): istiod's environment knobs and the duration fields of Istio specs, which istiod
 * reads with Go's {@code time.ParseDuration} (so {@code connectTimeout: 30ms} and the protobuf JSON
 * form {@code "0.250s"} are both accepted).
 */
public final class GoDurations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

  private GoDurations() {}

  /** The duration {@code value} spells, or empty when it is not a Go duration. */
  public static Optional<Duration> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    String text = value.trim();
    if (text.equals("0")) {
      return Optional.of(Duration.ZERO);
    }
    Matcher matcher = PART.matcher(text);
    long nanos = 0;
    int end = 0;
    while (matcher.find() && matcher.start() == end) {
      double amount = Double.parseDouble(matcher.group(1));
      nanos += Math.round(amount * unitNanos(matcher.group(2)));
      end = matcher.end();
    }
    if (end == 0 || end != text.length()) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofNanos(nanos));
  }

  private static long unitNanos(String unit) {
    return switch (unit) {
      case "ns" -> 1L;
      case "us", "µs" -> 1_000L;
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      default -> 3_600_000_000_000L;
    };
  }
}
