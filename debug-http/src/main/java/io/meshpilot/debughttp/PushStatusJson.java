package io.meshpilot.debughttp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /debug/push_status}: istiod's shape, the last push's ProxyStatus map
 * ({@code {metricName: {key: {"proxy", "message"}}}}), always indented with four spaces, and an
 * empty body before the first push. meshpilot records none of istiod's push-status conflicts yet,
 * so that map has only meshpilot's own key, {@code "meshpilot"}: the push's version, reasons,
 * full or endpoints-only, start, duration, proxies queued and pushed, and per type the responses
 * sent and their bytes.
 */
final class PushStatusJson {
  static final String KEY = "meshpilot";

  private PushStatusJson() {}

  static String write(Optional<PushStatus.Snapshot> last) {
    if (last.isEmpty()) {
      return "";
    }
    PushStatus.Snapshot status = last.get();
    GoJsonWriter json = new GoJsonWriter(true);
    try {
      json.startObject().name(KEY).startObject()
          .name("version").string(status.push().version())
          .name("reasons").startObject();
      for (Map.Entry<String, Integer> reason : status.push().reasons().entrySet()) {
        json.name(reason.getKey()).number(reason.getValue());
      }
      json.endObject()
          .name("full").bool(status.push().full())
          .name("start").time(status.push().startedAt())
          .name("duration").string(goDuration(status.duration()))
          .name("proxies").number(status.push().proxies())
          .name("proxiesPushed").number(status.proxiesPushed())
          .name("types").startObject();
      for (Map.Entry<String, PushStatus.TypeTotals> type : status.types().entrySet()) {
        json.name(type.getKey()).startObject()
            .name("pushes").number(type.getValue().responses())
            .name("bytes").number(type.getValue().bytes())
            .endObject();
      }
      json.endObject().endObject().endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory does not fail
    }
    return json.toString();
  }

  /** Go's {@code time.Duration.String()}: {@code 0s}, {@code 750ns}, {@code 1.5µs}, {@code 12.3ms}, {@code 1m2.5s}. */
  static String goDuration(Duration duration) {
    long nanos = duration.toNanos();
    if (nanos == 0) {
      return "0s";
    }
    if (nanos < 1_000L) {
      return nanos + "ns";
    }
    if (nanos < 1_000_000L) {
      return decimal(nanos, 1_000L) + "µs";
    }
    if (nanos < 1_000_000_000L) {
      return decimal(nanos, 1_000_000L) + "ms";
    }
    long hours = nanos / 3_600_000_000_000L;
    nanos -= hours * 3_600_000_000_000L;
    long minutes = nanos / 60_000_000_000L;
    nanos -= minutes * 60_000_000_000L;
    StringBuilder text = new StringBuilder();
    if (hours > 0) {
      text.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      text.append(minutes).append('m');
    }
    return text.append(decimal(nanos, 1_000_000_000L)).append('s').toString();
  }

  private static String decimal(long value, long unit) {
    long whole = value / unit;
    long fraction = value % unit;
    if (fraction == 0) {
      return Long.toString(whole);
    }
    String digits = String.format(Locale.ROOT, "%0" + (Long.toString(unit).length() - 1) + "d", fraction);
    int end = digits.length();
    while (digits.charAt(end - 1) == '0') {
      end--;
    }
    return whole + "." + digits.substring(0, end);
  }
}
