package io.meshpilot.xds.server;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * How many response bytes all streams together may have handed to gRPC and not yet seen written
 * out. gRPC's flow control keeps one stream to about one message, but two thousand proxies
 * connecting or being pushed at once would each buffer a complete CDS response in direct memory;
 * past this budget a connection waits (its changes stay marked) and is resumed, with the newest
 * state, when another stream's bytes have gone out: oldest waiter first, as many as the freed
 * bytes fit, so a release does not wake every waiting stream. One response is always allowed when nothing is
 * in flight, so a response larger than the budget still goes.
 */
final class SendBudget {
  private final long limit;
  private final Executor resume;
  // Waiters in arrival order, with the size of the response each could not send.
  private final Map<Runnable, Long> waiting = new LinkedHashMap<>();
  private long used;

  /**
   * @param limit bytes in flight at most; 0 or less means unbounded
   * @param resume where waiting connections are resumed (not on the releasing thread, which may
   *     hold another connection's lock)
   */
  SendBudget(long limit, Executor resume) {
    this.limit = limit;
    this.resume = resume;
  }

  /** A budget of a quarter of the heap's maximum (direct memory defaults to the heap's size). */
  static long defaultLimit() {
    return Math.max(16L << 20, Runtime.getRuntime().maxMemory() / 4);
  }

  /** Takes {@code bytes}, or registers {@code resumeWaiter} to run when bytes are released. */
  synchronized boolean tryAcquire(long bytes, Runnable resumeWaiter) {
    if (limit <= 0 || used == 0 || used + bytes <= limit) {
      used += bytes;
      return true;
    }
    waiting.putIfAbsent(resumeWaiter, bytes);
    return false;
  }

  /**
   * Gives {@code bytes} back and resumes, oldest first, as many waiters as the free budget fits
   * (at least one when nothing is in flight). A resumed waiter calls {@code release(0)} when it is
   * done, so the next ones go even if it had nothing left to send.
   */
  void release(long bytes) {
    List<Runnable> resumed = new ArrayList<>();
    synchronized (this) {
      used = Math.max(0, used - bytes);
      long planned = used;
      Iterator<Map.Entry<Runnable, Long>> next = waiting.entrySet().iterator();
      while (next.hasNext()) {
        Map.Entry<Runnable, Long> waiter = next.next();
        if (planned + waiter.getValue() > limit && !(planned == 0 && resumed.isEmpty())) {
          break;
        }
        planned += waiter.getValue();
        resumed.add(waiter.getKey());
        next.remove();
      }
    }
    resumed.forEach(resume::execute);
  }

  /** A waiter whose connection ended no longer waits. */
  synchronized void forget(Runnable resumeWaiter) {
    waiting.remove(resumeWaiter);
  }

  /** Bytes in flight now. */
  synchronized long used() {
    return used;
  }
}
