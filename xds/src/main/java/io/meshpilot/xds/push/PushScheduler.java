package io.meshpilot.xds.push;

import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.meshpilot.registry.RegistryChange;
import io.meshpilot.registry.RegistryListener;
import io.meshpilot.xds.XdsEvents;
import io.meshpilot.xds.server.PushRequest;
import io.meshpilot.xds.view.PushContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns registry changes into pushes: debounces them (istiod's PILOT_DEBOUNCE_AFTER /
 * PILOT_DEBOUNCE_MAX), merges them (any service or traffic config change makes a full push,
 * otherwise an EDS push of the changed hostnames), builds a new PushContext and queues every connection, pushing at
 * most PILOT_PUSH_THROTTLE at once. Debouncing and push preparation run on one thread, so only one
 * push is prepared at a time. Reports each push's start, its debounce window and, through the
 * queue, each connection's queue and convergence times as {@link XdsEvents}.
 */
public final class PushScheduler implements RegistryListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PushScheduler.class);

  private final PushSettings settings;
  private final Function<PushRequest, PushContext> contextFactory;
  private final PushTarget target;
  private final XdsEvents events;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService workers;
  private final LongSupplier nanoTime;
  private final Debouncer debouncer;
  private final PushQueue queue;
  private final PushHistory history = new PushHistory();

  /**
   * @param contextFactory builds the PushContext for a push (an endpoints-only one may derive it
   *     from the current one) and makes it the one the resource source generates from; called once
   *     per push, on the scheduler thread
   * @param target the connections to push
   * @param events where push starts and timings are reported
   */
  public PushScheduler(PushSettings settings, Function<PushRequest, PushContext> contextFactory,
      PushTarget target, XdsEvents events) {
    this(settings, contextFactory, target, events, Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("push-scheduler").daemon().factory()), System::nanoTime);
  }

  PushScheduler(PushSettings settings, Function<PushRequest, PushContext> contextFactory, PushTarget target,
      XdsEvents events, ScheduledExecutorService scheduler, LongSupplier nanoTime) {
    this.settings = settings;
    this.contextFactory = contextFactory;
    this.target = target;
    this.events = events;
    this.scheduler = scheduler;
    this.nanoTime = nanoTime;
    // A push to a connection never waits for the network (flow control defers, it does not block),
    // so one worker per core. They are Netty's FastThreadLocalThreads: gRPC frames each message on
    // the sending thread, and Netty's pooled allocator keeps a buffer cache only for its own threads;
    // a virtual thread per push set up Netty's thread-locals anew and took buffers from the shared
    // arenas each time (a tenth of the push workers' CPU in an endpoints-only push).
    this.workers = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
        new DefaultThreadFactory("push", true));
    this.debouncer = new Debouncer(settings.debounceAfter(), settings.debounceMax());
    this.queue = new PushQueue(settings.pushThrottle(), workers, target, events, nanoTime);
  }

  /** Records a registry change; returns at once (called on the registry's updating thread). */
  @Override
  public void onChange(RegistryChange change) {
    if (change.isEmpty()) {
      return;
    }
    if (!change.configs().isEmpty()) {
      // an Istio config change is a full push to the proxies that depend on it
      Map<String, Integer> reasons = new TreeMap<>(Map.of(PushRequest.CONFIG, 1));
      if (!change.services().isEmpty()) {
        reasons.put(PushRequest.SERVICE, 1);
      } else if (!change.endpoints().isEmpty()) {
        reasons.put(PushRequest.ENDPOINT, 1);
      }
      request(new PushRequest(true, false, change.services(), change.endpoints(), change.configs(), reasons));
      return;
    }
    request(change.services().isEmpty()
        ? PushRequest.endpoints(change.endpoints())
        : new PushRequest(true, false, change.services(), change.endpoints(), Map.of(PushRequest.SERVICE, 1)));
  }

  /** Requests a push (debounced like registry changes); returns at once. */
  public void request(PushRequest request) {
    scheduler.execute(() -> accept(request));
  }

  private void accept(PushRequest request) {
    if (!request.full() && !settings.edsDebounce()) {
      push(request, 1, Duration.ZERO);
      return;
    }
    debouncer.add(request, nanoTime.getAsLong()).ifPresent(this::fireAfter);
  }

  private void fireAfter(Duration delay) {
    scheduler.schedule(this::fire, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void fire() {
    switch (debouncer.fire(nanoTime.getAsLong())) {
      case Debouncer.Push push -> {
        long fired = nanoTime.getAsLong();
        push(push.request(), push.events(), push.waited());
        // istiod's pilot_debounce_time: from the window's first change until the push is handed out.
        events.debounced(push.waited().plusNanos(nanoTime.getAsLong() - fired), push.events(),
            push.request().full());
      }
      case Debouncer.Wait wait -> fireAfter(wait.delay());
    }
  }

  private void push(PushRequest request, int merged, Duration waited) {
    PushContext context;
    try {
      context = contextFactory.apply(request);
    } catch (RuntimeException e) {
      LOG.error("push skipped: building the push context failed: {}", e.toString());
      return;
    }
    long start = nanoTime.getAsLong();
    List<String> connections = target.connectionIds(request);
    LOG.info("Push {} version {} after {} event(s) in {} ms to {} connection(s), reasons {}{}",
        request.full() ? "full" : "eds", context.version(), merged, waited.toMillis(),
        connections.size(), request.reasons(),
        request.global() ? "" : " hosts " + abbreviated(request.hostnames()));
    Instant startedAt = Instant.now();
    history.record(new PushRecord(context.version(), startedAt, request.full(), request.global(),
        request.reasons(), connections.size()), request);
    events.pushStarted(new XdsEvents.PushStart(context.version(), startedAt, request.full(),
        request.reasons(), connections.size()));
    queue.enqueue(connections, request, start);
  }

  /** Which pushes carried which hostnames (bounded), for {@code /debug/why}. */
  public PushHistory history() {
    return history;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    workers.shutdownNow();
  }

  /** Up to five hostnames, sorted, and how many there are in all: one log line stays one line. */
  private static String abbreviated(java.util.Set<String> hostnames) {
    List<String> sorted = hostnames.stream().sorted().toList();
    return sorted.size() <= 5 ? sorted.toString()
        : sorted.subList(0, 5).toString().replace("]", ", ... (" + sorted.size() + " in all)]");
  }
}
