package io.meshpilot.xds.push;

import io.meshpilot.xds.server.PushRequest;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * istiod's push queue: at most one pending push per connection (a second enqueue merges into it),
 * a connection being pushed is re-queued afterwards if work arrived meanwhile, and at most
 * {@code throttle} connections are pushed at once.
 */
final class PushQueue {
  private static final Logger LOG = LoggerFactory.getLogger(PushQueue.class);

  private final int throttle;
  private final Executor workers;
  private final PushTarget target;
  private final LinkedHashMap<String, PushRequest> pending = new LinkedHashMap<>();
  private final Map<String, PushRequest> arrivedWhilePushing = new HashMap<>();
  private final Map<String, Boolean> inProgress = new HashMap<>();

  PushQueue(int throttle, Executor workers, PushTarget target) {
    this.throttle = throttle;
    this.workers = workers;
    this.target = target;
  }

  /** Queues a push for a connection, merging it with one already waiting. */
  synchronized void enqueue(String connectionId, PushRequest request) {
    if (inProgress.containsKey(connectionId)) {
      arrivedWhilePushing.merge(connectionId, request, PushRequest::merge);
      return;
    }
    pending.merge(connectionId, request, PushRequest::merge);
    dispatch();
  }

  /** Connections waiting (not counting those being pushed). */
  synchronized int waiting() {
    return pending.size();
  }

  private void dispatch() {
    Iterator<Map.Entry<String, PushRequest>> next = pending.entrySet().iterator();
    while (inProgress.size() < throttle && next.hasNext()) {
      Map.Entry<String, PushRequest> entry = next.next();
      next.remove();
      String id = entry.getKey();
      PushRequest request = entry.getValue();
      inProgress.put(id, Boolean.TRUE);
      workers.execute(() -> run(id, request));
    }
  }

  private void run(String connectionId, PushRequest request) {
    try {
      target.push(connectionId, request);
    } catch (RuntimeException e) {
      LOG.warn("push to {} failed: {}", connectionId, e.toString());
    } finally {
      done(connectionId);
    }
  }

  private synchronized void done(String connectionId) {
    inProgress.remove(connectionId);
    PushRequest again = arrivedWhilePushing.remove(connectionId);
    if (again != null) {
      pending.merge(connectionId, again, PushRequest::merge);
    }
    dispatch();
  }
}
