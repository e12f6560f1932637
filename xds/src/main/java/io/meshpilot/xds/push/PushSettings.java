package io.meshpilot.xds.push;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * istiod's push tuning knobs, read once from the environment at startup.
 *
 * @param debounceAfter quiet period after the last change before pushing ({@code PILOT_DEBOUNCE_AFTER})
 * @param debounceMax longest a change waits for its push ({@code PILOT_DEBOUNCE_MAX})
 * @param edsDebounce false: endpoint-only changes skip debouncing ({@code PILOT_ENABLE_EDS_DEBOUNCE})
 * @param pushThrottle proxies pushed concurrently ({@code PILOT_PUSH_THROTTLE})
 */
public record PushSettings(Duration debounceAfter, Duration debounceMax, boolean edsDebounce,
    int pushThrottle) {
  private static final Pattern GO_DURATION_PART =
      Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

  public PushSettings {
    if (debounceAfter.isNegative() || debounceMax.isNegative()) {
      throw new IllegalArgumentException("debounce durations must not be negative");
    }
    if (pushThrottle < 1) {
      throw new IllegalArgumentException("PILOT_PUSH_THROTTLE must be at least 1: " + pushThrottle);
    }
  }

  /** istiod's defaults: 100 ms, 10 s, EDS debounce on, throttle min(15 + 5 × cores, 100). */
  public static PushSettings defaults() {
    return fromEnvironment(Map.of());
  }

  /**
   * Settings from environment variables (Go duration syntax such as {@code 100ms}, {@code 1m30s});
   * unset variables keep istiod's defaults.
   *
   * @throws IllegalArgumentException naming the variable whose value cannot be parsed
   */
  public static PushSettings fromEnvironment(Map<String, String> env) {
    return fromEnvironment(env, Runtime.getRuntime().availableProcessors());
  }

  static PushSettings fromEnvironment(Map<String, String> env, int cores) {
    return new PushSettings(
        duration(env, "PILOT_DEBOUNCE_AFTER", Duration.ofMillis(100)),
        duration(env, "PILOT_DEBOUNCE_MAX", Duration.ofSeconds(10)),
        bool(env, "PILOT_ENABLE_EDS_DEBOUNCE", true),
        integer(env, "PILOT_PUSH_THROTTLE", Math.min(15 + 5 * cores, 100)));
  }

  private static Duration duration(Map<String, String> env, String name, Duration fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    String text = value.trim();
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    Matcher matcher = GO_DURATION_PART.matcher(text);
    long nanos = 0;
    int end = 0;
    while (matcher.find() && matcher.start() == end) {
      double amount = Double.parseDouble(matcher.group(1));
      nanos += Math.round(amount * unitNanos(matcher.group(2)));
      end = matcher.end();
    }
    if (end == 0 || end != text.length()) {
      throw new IllegalArgumentException(name + " is not a duration (e.g. 100ms, 10s): " + value);
    }
    return Duration.ofNanos(nanos);
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

  private static boolean bool(Map<String, String> env, String name, boolean fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    // Go's strconv.ParseBool spellings.
    return switch (value.trim()) {
      case "1", "t", "T", "true", "TRUE", "True" -> true;
      case "0", "f", "F", "false", "FALSE", "False" -> false;
      default -> throw new IllegalArgumentException(name + " is not a boolean: " + value);
    };
  }

  private static int integer(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim().toLowerCase(Locale.ROOT));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " is not an integer: " + value);
    }
  }
}
