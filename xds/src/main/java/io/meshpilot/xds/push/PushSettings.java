package io.meshpilot.xds.push;

import io.meshpilot.xds.Knobs;
import java.time.Duration;
import java.util.Map;

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
        Knobs.duration(env, "PILOT_DEBOUNCE_AFTER", Duration.ofMillis(100)),
        Knobs.duration(env, "PILOT_DEBOUNCE_MAX", Duration.ofSeconds(10)),
        Knobs.bool(env, "PILOT_ENABLE_EDS_DEBOUNCE", true),
        Knobs.integer(env, "PILOT_PUSH_THROTTLE", Math.min(15 + 5 * cores, 100)));
  }
}
