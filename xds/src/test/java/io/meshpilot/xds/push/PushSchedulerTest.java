package io.meshpilot.xds.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.RegistryChange;
import io.meshpilot.registry.RegistryListener;
import io.meshpilot.registry.Rejection;
import io.meshpilot.registry.ServiceRegistry;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.Service;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.RecordingEvents;
import io.meshpilot.xds.XdsEvents;
import io.meshpilot.xds.server.PushRequest;
import io.meshpilot.xds.view.PushContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PushSchedulerTest {
  private static final long MS = 1_000_000L;

  private final AtomicLong clock = new AtomicLong();
  private final AtomicInteger contexts = new AtomicInteger();
  private final RecordingTarget target = new RecordingTarget(List.of("a-1", "b-2"));
  private final Function<PushRequest, PushContext> contextFactory = request -> PushContext.create(
      new EmptyRegistry(), MeshSettings.defaults(), "v" + contexts.incrementAndGet());
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private PushScheduler scheduler;

  @AfterEach
  void stop() {
    scheduler.close();
  }

  @Test
  void burstOfChangesBecomesOnePushToEveryConnection() throws Exception {
    scheduler = scheduler(new PushSettings(Duration.ofMillis(100), Duration.ofSeconds(10), true, 10));

    // The injected clock stands still during the burst, so the burst is quiet-free by definition.
    scheduler.onChange(new RegistryChange(Set.of(), Set.of("reviews")));
    scheduler.onChange(new RegistryChange(Set.of(), Set.of("ratings")));
    scheduler.onChange(new RegistryChange(Set.of(), Set.of("details")));
    advanceClockTo(100 * MS);

    await().atMost(Duration.ofSeconds(5)).until(() -> target.pushes.size() == 2);
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
        .until(() -> target.pushes.size() == 2 && contexts.get() == 1);
    PushRequest merged =
        new PushRequest(false, false, Set.of(), Set.of("reviews", "ratings", "details"), Map.of("endpoint", 3));
    assertThat(target.byConnection).containsOnly(
        Map.entry("a-1", List.of(merged)), Map.entry("b-2", List.of(merged)));
  }

  @Test
  void serviceChangeInTheBurstMakesThePushFull() throws Exception {
    scheduler = scheduler(new PushSettings(Duration.ofMillis(100), Duration.ofSeconds(10), true, 10));

    scheduler.onChange(new RegistryChange(Set.of(), Set.of("reviews")));
    scheduler.onChange(new RegistryChange(Set.of("ratings"), Set.of()));
    advanceClockTo(100 * MS);

    await().atMost(Duration.ofSeconds(5)).until(() -> target.pushes.size() == 2);
    assertThat(target.byConnection.get("a-1"))
        .containsExactly(new PushRequest(true, false, Set.of("ratings"), Set.of("reviews"),
            Map.of("endpoint", 1, "service", 1)));
  }

  @Test
  void trafficConfigChangeIsAFullPushWithTheConfigTrigger() throws Exception {
    scheduler = scheduler(new PushSettings(Duration.ofMillis(100), Duration.ofSeconds(10), true, 10));

    scheduler.onChange(new RegistryChange(Set.of(), Set.of(),
        Set.of(new ObjectKey("DestinationRule", "shop", "reviews"))));
    advanceClockTo(100 * MS);

    await().atMost(Duration.ofSeconds(5)).until(() -> target.pushes.size() == 2);
    // not global: XdsResources.affects sends it to the proxies a Sidecar change concerns, and any
    // other config change to everyone
    assertThat(target.byConnection.get("a-1"))
        .containsExactly(PushRequest.configs(Set.of(new ObjectKey("DestinationRule", "shop", "reviews"))));
  }

  @Test
  void configChangeWithEndpointChangesKeepsBothTriggers() throws Exception {
    scheduler = scheduler(new PushSettings(Duration.ofMillis(100), Duration.ofSeconds(10), true, 10));

    scheduler.onChange(new RegistryChange(Set.of(), Set.of("reviews"),
        Set.of(new ObjectKey("VirtualService", "shop", "reviews"))));
    advanceClockTo(100 * MS);

    await().atMost(Duration.ofSeconds(5)).until(() -> target.pushes.size() == 2);
    assertThat(target.byConnection.get("a-1")).containsExactly(
        new PushRequest(true, false, Set.of(), Set.of("reviews"), Set.of(new ObjectKey("VirtualService", "shop", "reviews")),
            Map.of("config", 1, "endpoint", 1)));
  }

  @Test
  void endpointChangesSkipDebounceWhenEdsDebounceIsOff() {
    scheduler = scheduler(new PushSettings(Duration.ofMillis(100), Duration.ofSeconds(10), false, 10));

    scheduler.onChange(new RegistryChange(Set.of("ratings"), Set.of()));
    scheduler.onChange(new RegistryChange(Set.of(), Set.of("reviews")));

    // The clock never moves, so only the endpoint change can be pushed.
    await().atMost(Duration.ofSeconds(5)).until(() -> target.pushes.size() == 2);
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
        .until(() -> target.pushes.size() == 2);
    assertThat(target.byConnection.get("a-1"))
        .containsExactly(PushRequest.endpoints(Set.of("reviews")));
  }

  @Test
  void changesThatNeverGoQuietArePushedAtTheMaximumDelay() throws Exception {
    scheduler = scheduler(new PushSettings(Duration.ofMillis(100), Duration.ofMillis(500), true, 10));

    scheduler.onChange(new RegistryChange(Set.of(), Set.of("reviews")));
    advanceClockTo(450 * MS);
    scheduler.onChange(new RegistryChange(Set.of(), Set.of("ratings")));
    advanceClockTo(500 * MS);

    await().atMost(Duration.ofSeconds(5)).until(() -> target.pushes.size() == 2);
    assertThat(target.byConnection.get("a-1"))
        .containsExactly(new PushRequest(false, false, Set.of(), Set.of("reviews", "ratings"), Map.of("endpoint", 2)));
  }

  @Test
  void eachPushReportsItsStartTriggersQueueAndConvergenceAndTheDebounceWindow() throws Exception {
    RecordingEvents events = new RecordingEvents();
    // Throttle 1: connections are pushed one after the other, so their events do not interleave.
    scheduler = new PushScheduler(new PushSettings(Duration.ofMillis(100), Duration.ofSeconds(10), true, 1),
        contextFactory, target, events, executor, clock::get);

    scheduler.onChange(new RegistryChange(Set.of(), Set.of("reviews")));
    scheduler.onChange(new RegistryChange(Set.of(), Set.of("ratings")));
    advanceClockTo(100 * MS);

    await().atMost(Duration.ofSeconds(5)).until(() -> events.count(line -> line.equals("converged")) == 2);
    await().atMost(Duration.ofSeconds(5)).until(() -> !events.lines("debounced").isEmpty());
    assertThat(events.pushes()).singleElement().satisfies(push -> {
      assertThat(push.version()).isEqualTo("v1");
      assertThat(push.full()).isFalse();
      assertThat(push.reasons()).containsExactly(Map.entry("endpoint", 2));
      assertThat(push.proxies()).isEqualTo(2);
    });
    // Per connection: dequeued, one trigger per merged change, then done.
    assertThat(events.lines()).filteredOn(line -> !line.startsWith("debounced")).containsExactly(
        "started {endpoint=2} full=false proxies=2",
        "queued", "trigger endpoint", "trigger endpoint", "converged",
        "queued", "trigger endpoint", "trigger endpoint", "converged");
    assertThat(events.lines("debounced")).containsExactly("debounced 2 false");
    // The window opened at 0 and closed at 100 ms; then the clock stood still.
    assertThat(events.debounceWindows()).containsExactly(Duration.ofMillis(100));
    assertThat(events.queueTimes()).containsExactly(Duration.ZERO, Duration.ZERO);
    assertThat(events.convergenceTimes()).containsExactly(Duration.ZERO, Duration.ZERO);
  }

  @Test
  void serviceChangesAreReportedWithTheServiceTrigger() throws Exception {
    RecordingEvents events = new RecordingEvents();
    // Throttle 1: connections are pushed one after the other, so their events do not interleave.
    scheduler = new PushScheduler(new PushSettings(Duration.ofMillis(100), Duration.ofSeconds(10), true, 1),
        contextFactory, target, events, executor, clock::get);

    scheduler.onChange(new RegistryChange(Set.of(), Set.of("reviews")));
    scheduler.onChange(new RegistryChange(Set.of("ratings"), Set.of()));
    advanceClockTo(100 * MS);

    await().atMost(Duration.ofSeconds(5)).until(() -> events.count(line -> line.equals("converged")) == 2);
    assertThat(events.lines("started")).containsExactly("started {endpoint=1, service=1} full=true proxies=2");
    assertThat(events.lines("trigger")).containsExactly(
        "trigger endpoint", "trigger service", "trigger endpoint", "trigger service");
  }

  private PushScheduler scheduler(PushSettings settings) {
    return new PushScheduler(settings, contextFactory, target, XdsEvents.NONE, executor, clock::get);
  }

  /** Moves the clock once the scheduler thread has taken every change given so far. */
  private void advanceClockTo(long nanos) throws Exception {
    executor.submit(() -> {}).get();
    clock.set(nanos);
  }

  /** Records pushes per connection. */
  static final class RecordingTarget implements PushTarget {
    final List<String> ids;
    final List<String> pushes = new CopyOnWriteArrayList<>();
    final Map<String, List<PushRequest>> byConnection = new ConcurrentHashMap<>();

    RecordingTarget(List<String> ids) {
      this.ids = ids;
    }

    @Override
    public List<String> connectionIds(PushRequest request) {
      return ids;
    }

    @Override
    public void push(String connectionId, PushRequest request) {
      byConnection.computeIfAbsent(connectionId, id -> new CopyOnWriteArrayList<>()).add(request);
      pushes.add(connectionId);
    }
  }

  /** A registry with nothing in it. */
  static final class EmptyRegistry implements ServiceRegistry {
    @Override
    public List<Service> services() {
      return List.of();
    }

    @Override
    public Map<String, List<Endpoint>> endpointShards(String hostname, String namespace) {
      return Map.of();
    }

    @Override
    public List<Rejection> rejections() {
      return List.of();
    }

    @Override
    public boolean synced() {
      return true;
    }

    @Override
    public List<String> pendingSources() {
      return List.of();
    }

    @Override
    public void addListener(RegistryListener listener) {}
  }
}
