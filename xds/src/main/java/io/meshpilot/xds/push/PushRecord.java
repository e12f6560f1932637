package io.meshpilot.xds.push;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One push as it began, kept by {@link PushHistory}.
 *
 * @param version the push context version ({@code <RFC3339>/<counter>}), as in syncz's versions
 * @param startedAt when the push was handed to the queue
 * @param full true for a push of every type, false for endpoints only
 * @param global true when it went to every proxy whatever changed
 * @param reasons istiod trigger names with how many changes of each the push merged
 * @param proxies how many connections were queued
 */
public record PushRecord(String version, Instant startedAt, boolean full, boolean global,
    Map<String, Integer> reasons, int proxies) {
  public PushRecord {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(startedAt, "startedAt");
    reasons = Collections.unmodifiableMap(new TreeMap<>(reasons));
  }

  /** {@code full} or {@code eds}, as the push log line says. */
  public String kind() {
    return full ? "full" : "eds";
  }
}
