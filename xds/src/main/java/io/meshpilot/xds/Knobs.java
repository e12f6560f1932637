package io.meshpilot.xds;

import io.meshpilot.registry.GoDurations;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The one reader of istiod-style knobs: environment variables with Go's spellings for durations
 * ({@code 100ms}, {@code 1m30s}) and booleans ({@code true}, {@code 1}, {@code F}). Read once, at
 * the edge, into typed settings. Unset or blank variables keep their default.
 */
public final class Knobs {
  private Knobs() {}

  /** @throws IllegalArgumentException naming the variable when its value is not a duration */
  public static Duration duration(Map<String, String> env, String name, Duration fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    return parseDuration(value).orElseThrow(
        () -> new IllegalArgumentException(name + " is not a duration (e.g. 100ms, 10s): " + value));
  }

  /** A Go duration ({@code 0}, {@code 100ms}, {@code 1m30s}), or empty when it is not one. */
  public static java.util.Optional<Duration> parseDuration(String value) {
    return GoDurations.parse(value);
  }

  /** @throws IllegalArgumentException naming the variable when its value is not a Go boolean */
  public static boolean bool(Map<String, String> env, String name, boolean fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    return switch (value.trim()) {
      case "1", "t", "T", "true", "TRUE", "True" -> true;
      case "0", "f", "F", "false", "FALSE", "False" -> false;
      default -> throw new IllegalArgumentException(name + " is not a boolean: " + value);
    };
  }

  /** @throws IllegalArgumentException naming the variable when its value is not an integer */
  public static int integer(Map<String, String> env, String name, int fallback) {
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

  /** @throws IllegalArgumentException naming the variable when its value is not a number */
  public static double number(Map<String, String> env, String name, double fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " is not a number: " + value);
    }
  }
}
