package io.meshpilot.xds.push;

import io.meshpilot.xds.server.PushRequest;
import java.time.Duration;
import java.util.Optional;

/**
 * istiod's debounce as a pure state machine over caller-supplied times: merges requests until
 * the changes have been quiet for {@code after}, or until {@code max} has passed since the first.
 * Not thread-safe; the scheduler drives it from one thread.
 */
final class Debouncer {
  /** What to do when the timer fires. */
  sealed interface Decision {}

  /** Push this merged request now. */
  record Push(PushRequest request, int events, Duration waited) implements Decision {}

  /** Not quiet yet: fire again after this delay. */
  record Wait(Duration delay) implements Decision {}

  private final long afterNanos;
  private final long maxNanos;
  private PushRequest pending;
  private int events;
  private long firstNanos;
  private long lastNanos;

  Debouncer(Duration after, Duration max) {
    this.afterNanos = after.toNanos();
    this.maxNanos = max.toNanos();
  }

  /**
   * Adds a request.
   *
   * @return the delay after which to fire, if this request opened a new debounce window (the timer
   *     of an open window is already running)
   */
  Optional<Duration> add(PushRequest request, long nowNanos) {
    events++;
    lastNanos = nowNanos;
    if (pending == null) {
      pending = request;
      firstNanos = nowNanos;
      return Optional.of(Duration.ofNanos(afterNanos));
    }
    pending = pending.merge(request);
    return Optional.empty();
  }

  /** Called when the timer fires. */
  Decision fire(long nowNanos) {
    long sinceFirst = nowNanos - firstNanos;
    long quiet = nowNanos - lastNanos;
    if (sinceFirst >= maxNanos || quiet >= afterNanos) {
      Push push = new Push(pending, events, Duration.ofNanos(sinceFirst));
      pending = null;
      events = 0;
      return push;
    }
    return new Wait(Duration.ofNanos(Math.min(afterNanos - quiet, maxNanos - sinceFirst)));
  }
}
