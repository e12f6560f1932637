package io.meshpilot.registry;

import java.time.Instant;
import java.util.Objects;

/**
 * A source object meshpilot refused, and why. The last good version of the object, if any, stays
 * in effect until a valid version replaces it.
 *
 * @param object the rejected object
 * @param source which source delivered it ({@code kubernetes} or {@code file:<path>})
 * @param reason the human-readable reason, naming the rule that failed
 * @param since when it was rejected
 */
public record Rejection(ObjectKey object, String source, String reason, Instant since) {
  public Rejection {
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(since, "since");
  }
}
