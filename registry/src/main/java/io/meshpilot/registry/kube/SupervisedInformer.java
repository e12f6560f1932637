package io.meshpilot.registry.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One informer that keeps running: list and watch failures (including objects that cannot be
 * parsed) are logged, counted and retried instead of stopping it, and if it stops anyway it is
 * rebuilt, seeded with the last state it knew so that objects deleted meanwhile still arrive as
 * deletes. An informer that synced but has not been watching for longer than its stall timeout is
 * rebuilt the same way: fabric8 retries a lost watch with backoff on its own, but when that retry
 * stalls (its own fail-safe says "should not happen") nothing else would ever bring it back.
 *
 * <p>So is one that claims to be watching but hears nothing although the API server has news for it: a
 * deaf watch. A watch goes deaf when its connection dies without the client noticing: a half-open TCP
 * connection (a NAT or load balancer that forgot it), or the JDK WebSocket client, which never reports
 * an end of stream that arrives while frames it has read still wait for fabric8 to ask for them. fabric8
 * would only notice at its next watch rotation, five to ten minutes later.
 *
 * <p>Silence alone proves nothing: kube-apiserver sends a watch a bookmark (about once a minute) only
 * when its kind's watch cache has a resourceVersion newer than the watch's, and the cache of a kind
 * that does not change only moves on when a consistent read asks etcd for progress, or when etcd
 * sends a progress notice of its own (by default every ten minutes). A live watch of an idle kind
 * hears nothing while other kinds churn. So once an informer's resourceVersion has stayed put for the
 * probe delay while another informer's moved, it is probed: the source lists one object of its kind
 * (a consistent read, which brings that kind's watch cache up to date, so the server owes the watch a
 * bookmark within a minute). Only if nothing arrives within the silence timeout after the probe is
 * the watch deaf.
 */
final class SupervisedInformer<T extends HasMetadata> {
  private static final Logger log = LoggerFactory.getLogger(SupervisedInformer.class);

  private final String kind;
  private final Supplier<SharedIndexInformer<T>> factory;
  private final ResourceEventHandler<T> handler;
  private final ScheduledExecutorService scheduler;
  private final Duration rebuildDelay;
  private final Duration stallTimeout;
  private final Duration probeAfter;
  private final Duration silenceTimeout;
  private final Runnable probe;
  private final LongSupplier clock;
  private final CompletableFuture<Void> firstSync = new CompletableFuture<>();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong rebuilds = new AtomicLong();
  private final AtomicLong probes = new AtomicLong();
  private volatile SharedIndexInformer<T> current;
  // when the current informer last passed on an event, on the clock; -1 if never
  private volatile AtomicLong currentEventAt = new AtomicLong(-1);
  private volatile boolean closed;
  // guarded by this
  private long notWatchingSince = -1;
  // guarded by this: the informer whose resourceVersion was last looked at, that version, and when it
  // last moved (times are the clock's, never negative; -1 is none)
  private SharedIndexInformer<T> observed;
  private String observedVersion;
  private long movedAt = -1;
  // guarded by this: when the first look at a rebuilt informer timed its relist, which is no news from the server
  private long rebuiltMovedAt = -1;
  // guarded by this: when the last probe of the observed informer completed (-1 none), and whether one runs
  private long probedAt = -1;
  private boolean probing;
  private volatile String stopReason;

  /**
   * @param kind what it watches, for logs
   * @param factory makes a new, not yet started informer
   * @param scheduler runs rebuilds
   * @param stallTimeout how long a synced informer may go without a watch before it is rebuilt
   * @param deafWatch how long a watching informer's resourceVersion may stay put while others move before
   *     it is probed, how long after the probe before it is rebuilt, and the probe
   * @param clock nanoseconds, never negative; the times given to {@link #observeProgress} and {@link #checkStalled}
   */
  SupervisedInformer(String kind, Supplier<SharedIndexInformer<T>> factory, ResourceEventHandler<T> handler,
      ScheduledExecutorService scheduler, Duration rebuildDelay, Duration stallTimeout, WatchProbe deafWatch,
      LongSupplier clock) {
    this.kind = kind;
    this.factory = factory;
    this.handler = handler;
    this.scheduler = scheduler;
    this.rebuildDelay = rebuildDelay;
    this.stallTimeout = stallTimeout;
    this.probeAfter = deafWatch.probeAfter();
    this.silenceTimeout = deafWatch.silenceTimeout();
    this.probe = deafWatch.probe();
    this.clock = clock;
  }

  void start() {
    launch(null);
  }

  /** Completes once the first informer has listed everything and is watching. */
  CompletionStage<Void> firstSync() {
    return firstSync;
  }

  String kind() {
    return kind;
  }

  long failures() {
    return failures.get();
  }

  long rebuilds() {
    return rebuilds.get();
  }

  /** How many probes have completed (tests). */
  long probes() {
    return probes.get();
  }

  /** The informer running now (tests stop it to simulate a death). */
  SharedIndexInformer<T> current() {
    return current;
  }

  /**
   * Looks at the informer's resourceVersion (moved by every event, relist and bookmark) and returns
   * when it last moved, -1 if it has no version yet. Events and relists are timed when the handler
   * gets them; a version that moved without one (a bookmark) is timed {@code nowNanos}. The relist of
   * an informer this class rebuilt is not reported (it is no sign that the API server moved on, and
   * would have the others rebuilt in turn where nothing sends bookmarks), only what comes after it.
   * Called periodically by the source, before {@link #checkStalled}.
   */
  synchronized long observeProgress(long nowNanos) {
    SharedIndexInformer<T> informer = current;
    if (informer != observed) {
      observed = informer;
      observedVersion = null;
      movedAt = -1;
      rebuiltMovedAt = -1;
      probedAt = -1;
    }
    String version = informer == null ? null : informer.lastSyncResourceVersion();
    long eventAt = currentEventAt.get();
    boolean firstVersion = observedVersion == null;
    if (version != null && !version.equals(observedVersion)) {
      // first look: its last event is when it moved (however long ago), unless it never had one
      movedAt = firstVersion && eventAt >= 0 ? eventAt : Math.max(eventAt, nowNanos);
      observedVersion = version;
    }
    movedAt = Math.max(movedAt, eventAt);
    if (firstVersion && version != null && rebuilds.get() > 0) {
      rebuiltMovedAt = movedAt;
    }
    return movedAt == rebuiltMovedAt ? -1 : movedAt;
  }

  /**
   * Rebuilds the informer when it has listed once but has not been watching since more than the
   * stall timeout before {@code nowNanos}. When it is watching but its resourceVersion has not moved
   * although another informer's moved after it: probes it once the probe delay has passed, and rebuilds
   * it when nothing arrived for more than the silence timeout after the probe completed. Called
   * periodically by the source; a relist in progress (not synced yet) is left to fabric8.
   *
   * @param othersMovedAt the latest {@link #observeProgress} of all the source's informers
   */
  synchronized void checkStalled(long nowNanos, long othersMovedAt) {
    SharedIndexInformer<T> informer = current;
    if (closed || informer == null || !informer.hasSynced()) {
      notWatchingSince = -1;
      return;
    }
    if (informer.isWatching()) {
      notWatchingSince = -1;
      if (informer != observed || movedAt < 0 || othersMovedAt <= movedAt) {
        return;
      }
      if (probedAt < movedAt) {
        // no probe since it last moved
        if (!probing && nowNanos - movedAt > probeAfter.toNanos()) {
          probe(informer);
        }
      } else if (nowNanos - probedAt > silenceTimeout.toNanos()) {
        movedAt = -1;
        probedAt = -1;
        stop(informer, "watching, but nothing arrived for more than " + KubeSource.format(silenceTimeout)
            + " after a read of its kind, while other informers moved on");
      }
      return;
    }
    if (notWatchingSince < 0) {
      notWatchingSince = nowNanos;
    } else if (nowNanos - notWatchingSince > stallTimeout.toNanos()) {
      notWatchingSince = -1;
      stop(informer, "not watching for more than " + KubeSource.format(stallTimeout));
    }
  }

  /**
   * Runs the probe on a thread of its own (it blocks on a request to the API server, which may hang);
   * its completion is timed, since the server owes a bookmark only from then on. A failed probe is not
   * timed: the API server did not answer, and rebuilding would not bring the watch back sooner than
   * fabric8's own retries.
   */
  private void probe(SharedIndexInformer<T> informer) {
    probing = true;
    CompletableFuture.runAsync(probe, r -> Thread.ofVirtual().name("meshpilot-watch-probe").start(r))
        .whenComplete((ignored, error) -> {
          synchronized (this) {
            probing = false;
            if (error != null) {
              log.debug("{} informer: probing its watch failed: {}", kind, reason(error));
            } else if (informer == observed) {
              probes.incrementAndGet();
              probedAt = clock.getAsLong();
            }
          }
        });
  }

  private void stop(SharedIndexInformer<T> informer, String reason) {
    stopReason = reason;
    informer.stop();
  }

  synchronized void close() {
    closed = true;
    if (current != null) {
      current.stop();
    }
  }

  private synchronized void launch(List<T> lastKnown) {
    if (closed) {
      return;
    }
    SharedIndexInformer<T> informer = factory.get();
    informer.exceptionHandler(this::onFailure);
    if (lastKnown != null) {
      informer.initialState(lastKnown.stream());
    }
    AtomicLong adds = new AtomicLong();
    AtomicLong eventAt = new AtomicLong(-1);
    informer.addEventHandler(new CountingHandler<>(handler, adds, eventAt, clock));
    currentEventAt = eventAt;
    current = informer;
    informer.start().whenComplete((ignored, error) -> {
      if (error == null) {
        // start() completes once the cache holds the initial list; the handler gets those objects
        // later, on its own executor. Synced means the sink has them, so wait for the handler.
        awaitDelivered(adds, informer.getStore().list().size());
      }
    });
    informer.stopped().whenComplete((ignored, error) -> onStopped(informer, error));
  }

  private void awaitDelivered(AtomicLong adds, long expected) {
    if (firstSync.isDone() || closed || adds.get() >= expected) {
      firstSync.complete(null);
      return;
    }
    try {
      scheduler.schedule(() -> awaitDelivered(adds, expected), 10, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // the source is closing
    }
  }

  /**
   * Passes events on, counts adds (so the first sync can wait until the initial list is delivered) and
   * times the last event (so a deaf watch is found even when the others moved before anyone looked).
   */
  private record CountingHandler<T>(ResourceEventHandler<T> delegate, AtomicLong adds, AtomicLong eventAt,
      LongSupplier clock) implements ResourceEventHandler<T> {
    @Override
    public void onAdd(T obj) {
      delegate.onAdd(obj);
      adds.incrementAndGet();
      eventAt.set(clock.getAsLong());
    }

    @Override
    public void onUpdate(T oldObj, T newObj) {
      delegate.onUpdate(oldObj, newObj);
      eventAt.set(clock.getAsLong());
    }

    @Override
    public void onDelete(T obj, boolean deletedFinalStateUnknown) {
      delegate.onDelete(obj, deletedFinalStateUnknown);
      eventAt.set(clock.getAsLong());
    }
  }

  private boolean onFailure(boolean started, Throwable error) {
    failures.incrementAndGet();
    String what = ExceptionHandler.isDeserializationException(error)
        ? "an object could not be parsed" : (error instanceof WatcherException ? "watch failed" : "request failed");
    log.warn("{} informer: {}: {}; retrying", kind, what, reason(error));
    return true;
  }

  private void onStopped(SharedIndexInformer<T> informer, Throwable error) {
    if (closed || informer != current) {
      return;
    }
    rebuilds.incrementAndGet();
    String why = stopReason != null ? stopReason : error == null ? "no error given" : reason(error);
    stopReason = null;
    log.warn("{} informer stopped ({}); rebuilding it in {} ms", kind, why, rebuildDelay.toMillis());
    List<T> lastKnown = informer.getStore().list();
    try {
      scheduler.schedule(() -> launch(lastKnown), rebuildDelay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // the source is closing
    }
  }

  /** The messages along the cause chain, each once, without stack traces. */
  static String reason(Throwable error) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = error; t != null && out.length() < 400; t = t.getCause() == t ? null : t.getCause()) {
      String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (t instanceof KubernetesClientException k && k.getCode() > 0) {
        message = "HTTP " + k.getCode() + " " + message;
      }
      if (out.indexOf(message) < 0) {
        out.append(out.isEmpty() ? "" : ": ").append(message);
      }
    }
    return out.toString();
  }
}
