package io.meshpilot.registry;

import java.time.Instant;
import java.util.Objects;

/**
 * One source object arriving at the registry: which object, from which source, at which
 * resourceVersion, and when. {@code meshpilot why} shows it as the origin of a hostname's last change.
 *
 * @param object the object that was written or deleted
 * @param source who delivered it ({@code kubernetes} or {@code file:<path>})
 * @param resourceVersion the object's {@code metadata.resourceVersion}, {@code ""} when it has none
 *     (files)
 * @param action whether the object was written or deleted
 * @param at when the registry applied it
 */
public record ObjectChange(ObjectKey object, String source, String resourceVersion, Action action, Instant at) {
  public ObjectChange {
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(source, "source");
    resourceVersion = Objects.requireNonNullElse(resourceVersion, "");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(at, "at");
  }

  /** What happened to the object. */
  public enum Action {
    /** Added or replaced. */
    UPSERT,
    /** Removed. */
    DELETE
  }
}
