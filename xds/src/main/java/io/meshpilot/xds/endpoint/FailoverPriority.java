package io.meshpilot.xds.endpoint;

import java.util.Optional;

/**
 * One {@code failoverPriority} entry: a label name, or {@code label=value} to match endpoints
 * against that value instead of the proxy's own (istiod's priorityLabelOverrides).
 */
final class FailoverPriority {
  private FailoverPriority() {}

  /** The label an entry names. */
  static String labelName(String entry) {
    int equals = entry.indexOf('=');
    return equals < 0 ? entry : entry.substring(0, equals);
  }

  /** The value an entry matches endpoints against instead of the proxy's (only for exactly one {@code =}). */
  static Optional<String> override(String entry) {
    int equals = entry.indexOf('=');
    if (equals < 0 || entry.indexOf('=', equals + 1) >= 0) {
      return Optional.empty();
    }
    return Optional.of(entry.substring(equals + 1));
  }
}
