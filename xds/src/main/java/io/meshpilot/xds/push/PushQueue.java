package io.meshpilot.xds.push;

import io.meshpilot.xds.XdsEvents;
import io.meshpilot.xds.server.PushRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * istiod's push queue: at most one pending push per connection (a second enqueue merges into it),
 * a connection being pushed is re-queued afterwards if work arrived meanwhile, and at most
 * {@code throttle} connections are pushed at once. Reports, per connection pushed, the time since
 * the push started when it was dequeued ({@code pilot_proxy_queue_time}) and when it was done
 * ({@code pilot_proxy_convergence_time}), and the push's trigger reasons.
 */
final class PushQueue {
  private static final Logger LOG = LoggerFactory.getLogger(PushQueue.class);

  private final int throttle;
  private final Executor workers;
  private final PushTarget target;
  private final XdsEvents events;
  private final LongSupplier nanoTime;
  private final LinkedHashMap<String, Pending> pending = new LinkedHashMap<>();
  private final Map<String, Pending> arrivedWhilePushing = new HashMap<>();
  private final Map<String, Boolean> inProgress = new HashMap<>();

  /** A queued push and when the push started (merged: the older start, as istiod keeps it). */
  private record Pending(PushRequest request, long startNanos) {
    Pending merge(Pending other) {
      return new Pending(request.merge(other.request),
          other.startNanos - startNanos < 0 ? other.startNanos : startNanos);
    }
  }

  /**
   * @param events where queue time, convergence time and trigger reasons are reported
   * @param nanoTime the clock push start times are read from
   */
  PushQueue(int throttle, Executor workers, PushTarget target, XdsEvents events,
      LongSupplier nanoTime) {
    this.throttle = throttle;
    this.workers = workers;
    this.target = target;
    this.events = events;
    this.nanoTime = nanoTime;
  }

  /**
   * Queues a push for each of these connections, merging it with one already waiting; one lock
   * taken however many they are, so the workers already pushing do not contend with each one.
   *
   * @param startNanos when the push started, on this queue's clock
   */
  synchronized void enqueue(List<String> connectionIds, PushRequest request, long startNanos) {
    Pending push = new Pending(request, startNanos);
    for (String connectionId : connectionIds) {
      if (inProgress.containsKey(connectionId)) {
        arrivedWhilePushing.merge(connectionId, push, Pending::merge);
      } else {
        pending.merge(connectionId, push, Pending::merge);
      }
    }
    dispatch();
  }

  /** Connections waiting (not counting those being pushed). */
  synchronized int waiting() {
    return pending.size();
  }

  private void dispatch() {
    Iterator<Map.Entry<String, Pending>> next = pending.entrySet().iterator();
    while (inProgress.size() < throttle && next.hasNext()) {
      Map.Entry<String, Pending> entry = next.next();
      next.remove();
      String id = entry.getKey();
      Pending push = entry.getValue();
      inProgress.put(id, Boolean.TRUE);
      workers.execute(() -> run(id, push));
    }
  }

  private void run(String connectionId, Pending push) {
    try {
      events.queued(since(push.startNanos()));
      push.request().reasons().forEach((reason, count) -> {
        for (int i = 0; i < count; i++) {
          events.pushTrigger(reason);
        }
      });
      target.push(connectionId, push.request());
      events.converged(since(push.startNanos()));
    } catch (RuntimeException e) {
      LOG.warn("push to {} failed: {}", connectionId, e.toString());
    } finally {
      done(connectionId);
    }
  }

  private Duration since(long startNanos) {
    return Duration.ofNanos(Math.max(0, nanoTime.getAsLong() - startNanos));
  }

  private synchronized void done(String connectionId) {
    inProgress.remove(connectionId);
    Pending again = arrivedWhilePushing.remove(connectionId);
    if (again != null) {
      pending.merge(connectionId, again, Pending::merge);
    }
    dispatch();
  }
}
