package io.meshpilot.debughttp;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;

/**
 * Formats an instant as Go's {@code time.Time.MarshalJSON} does for a UTC time: RFC 3339 with up to
 * nine fractional digits, trailing zeros (and a bare dot) removed, and {@code Z}. Go's zero time
 * prints {@code 0001-01-01T00:00:00Z}.
 */
final class GoTime {
  private GoTime() {}

  static String format(Instant instant) {
    ZonedDateTime t = instant.atZone(ZoneOffset.UTC);
    StringBuilder b = new StringBuilder(35);
    b.append(String.format(Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02d",
        t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond()));
    int nanos = t.getNano();
    if (nanos != 0) {
      String fraction = String.format(Locale.ROOT, "%09d", nanos);
      int end = fraction.length();
      while (fraction.charAt(end - 1) == '0') {
        end--;
      }
      b.append('.').append(fraction, 0, end);
    }
    return b.append('Z').toString();
  }
}
