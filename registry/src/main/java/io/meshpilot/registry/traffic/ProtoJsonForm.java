package io.meshpilot.registry.traffic;

import io.meshpilot.registry.GoDurations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a printed traffic spec into the form istiod's protobuf JSON prints: durations, which
 * users may write Go's way ({@code 30ms}, {@code 1m}), as seconds ({@code "0.030s"}, {@code "60s"}),
 * and 64-bit integers as strings. The fields are known by name; no traffic spec uses these names
 * for anything else.
 */
final class ProtoJsonForm {
  private static final Set<String> DURATIONS = Set.of("timeout", "perTryTimeout", "connectTimeout", "idleTimeout",
      "maxConnectionDuration", "time", "interval", "baseEjectionTime", "ttl", "duration", "fixedDelay", "maxAge",
      "warmupDurationSecs", "backoff");
  private static final Set<String> INT64S = Set.of("tableSize", "minimumRingSize");

  private ProtoJsonForm() {}

  static Map<String, Object> apply(Map<String, Object> tree) {
    Map<String, Object> out = new LinkedHashMap<>();
    tree.forEach((key, value) -> out.put(key, convert(key, value)));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object convert(String key, Object value) {
    if (value instanceof Map<?, ?> map) {
      return apply((Map<String, Object>) map);
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(item -> out.add(convert("", item)));
      return out;
    }
    if (value instanceof String text && DURATIONS.contains(key)) {
      return GoDurations.parse(text).map(ProtoJsonForm::seconds).orElse(text);
    }
    if (value instanceof Number number && INT64S.contains(key)) {
      return String.valueOf(number.longValue());
    }
    return value;
  }

  /** protobuf JSON's Duration: seconds with 0, 3, 6 or 9 fractional digits and an {@code s}. */
  static String seconds(Duration duration) {
    long seconds = duration.getSeconds();
    int nanos = duration.getNano();
    boolean negative = duration.isNegative();
    if (negative && nanos != 0) {
      seconds += 1;
      nanos = 1_000_000_000 - nanos;
    }
    StringBuilder out = new StringBuilder();
    if (negative && seconds == 0) {
      out.append('-');
    }
    out.append(seconds);
    if (nanos != 0) {
      String fraction = String.format(java.util.Locale.ROOT, "%09d", nanos);
      if (nanos % 1_000_000 == 0) {
        fraction = fraction.substring(0, 3);
      } else if (nanos % 1_000 == 0) {
        fraction = fraction.substring(0, 6);
      }
      out.append('.').append(fraction);
    }
    return out.append('s').toString();
  }
}
