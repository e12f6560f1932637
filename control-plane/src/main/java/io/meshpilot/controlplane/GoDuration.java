package io.meshpilot.controlplane;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations written as Go and istiod write them ({@code 20s}, {@code 1m30s}, {@code 500ms}), for options. */
final class GoDuration implements ITypeConverter<Duration> {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  static Duration parse(String value) {
    String text = value.trim();
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    Matcher part = PART.matcher(text);
    double millis = 0;
    int end = 0;
    while (part.find() && part.start() == end) {
      double amount = Double.parseDouble(part.group(1));
      millis += amount * switch (part.group(2)) {
        case "ms" -> 1;
        case "s" -> 1_000;
        case "m" -> 60_000;
        default -> 3_600_000;
      };
      end = part.end();
    }
    if (end == 0 || end != text.length()) {
      throw new TypeConversionException("not a duration (e.g. 20s, 1m30s, 500ms): " + value);
    }
    return Duration.ofMillis(Math.round(millis));
  }
}
