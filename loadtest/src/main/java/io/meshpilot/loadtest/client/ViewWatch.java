package io.meshpilot.loadtest.client;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Waits for a condition to hold on every sidecar's view: records, per sidecar, the first time (in
 * {@link System#nanoTime()}) it held after a response was applied. Sidecars call {@link #observe}
 * from their stream callbacks, so the view is read on its own thread.
 */
public final class ViewWatch {
  private final Predicate<ProxyView> condition;
  private final ConcurrentHashMap<Integer, Long> reachedAt = new ConcurrentHashMap<>();
  private final CountDownLatch all;
  private final int sidecars;

  /**
   * @param condition what must hold on a view
   * @param sidecars how many sidecars must reach it for the watch to be complete
   */
  public ViewWatch(Predicate<ProxyView> condition, int sidecars) {
    this.condition = condition;
    this.all = new CountDownLatch(sidecars);
    this.sidecars = sidecars;
  }

  /** How many sidecars must reach the condition. */
  public int size() {
    return sidecars;
  }

  /** Checks one sidecar's view; the first time the condition holds, records {@code nanos}. */
  void observe(int sidecar, ProxyView view, long nanos) {
    if (!reachedAt.containsKey(sidecar) && condition.test(view) && reachedAt.putIfAbsent(sidecar, nanos) == null) {
      all.countDown();
    }
  }

  /** Waits until every sidecar reached the condition or the timeout passed; true if all did. */
  public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
    return all.await(timeout, unit);
  }

  /** How many sidecars reached the condition so far. */
  public int reached() {
    return reachedAt.size();
  }

  /** Sidecar index → nanoTime it first reached the condition (a snapshot). */
  public Map<Integer, Long> reachedAt() {
    return Map.copyOf(reachedAt);
  }
}
