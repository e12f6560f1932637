package io.meshpilot.xds.route;

import com.google.protobuf.Duration;
import com.google.protobuf.util.Durations;
import io.meshpilot.xds.Knobs;

/** Durations in Istio config ({@code 2s}, {@code 1.5s}, {@code 100ms}) as protobuf Durations, with the one Go-duration parser. */
final class ProtoDurations {
  private ProtoDurations() {}

  /** The duration, or an {@link IllegalArgumentException} naming the text (validation should have refused it). */
  static Duration parse(String text) {
    java.time.Duration d = Knobs.parseDuration(text)
        .orElseThrow(() -> new IllegalArgumentException("not a duration: " + text));
    return Durations.fromNanos(d.toNanos());
  }
}
