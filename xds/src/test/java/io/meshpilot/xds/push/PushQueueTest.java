package io.meshpilot.xds.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshpilot.xds.XdsEvents;
import io.meshpilot.xds.server.PushRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PushQueueTest {
  private final ExecutorService workers = Executors.newCachedThreadPool();
  private final BlockingTarget target = new BlockingTarget();

  @AfterEach
  void stop() {
    target.release.countDown();
    workers.shutdownNow();
  }

  @Test
  void atMostThrottleConnectionsArePushedAtOnce() {
    PushQueue queue = new PushQueue(3, workers, target, XdsEvents.NONE, System::nanoTime);

    for (int i = 0; i < 10; i++) {
      queue.enqueue(List.of("c" + i), PushRequest.fullPush(), 0);
    }

    await().atMost(Duration.ofSeconds(5)).until(() -> target.running.get() == 3);
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1))
        .until(() -> target.running.get() == 3 && queue.waiting() == 7);
    target.release.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> target.pushed.size() == 10);
    assertThat(target.maxRunning.get()).isEqualTo(3);
  }

  @Test
  void secondEnqueueOfAWaitingConnectionMerges() {
    PushQueue queue = new PushQueue(1, workers, target, XdsEvents.NONE, System::nanoTime);
    queue.enqueue(List.of("busy"), PushRequest.fullPush(), 0);
    await().atMost(Duration.ofSeconds(5)).until(() -> target.running.get() == 1);

    queue.enqueue(List.of("c"), PushRequest.endpoints(Set.of("a")), 0);
    queue.enqueue(List.of("c"), PushRequest.endpoints(Set.of("b")), 0);
    target.release.countDown();

    await().atMost(Duration.ofSeconds(5)).until(() -> target.pushed.size() == 2);
    assertThat(target.requests.get("c"))
        .containsExactly(new PushRequest(false, false, Set.of(), Set.of("a", "b"), Map.of("endpoint", 2)));
  }

  @Test
  void workArrivingDuringAPushIsPushedAfterwards() {
    PushQueue queue = new PushQueue(5, workers, target, XdsEvents.NONE, System::nanoTime);
    queue.enqueue(List.of("c"), PushRequest.endpoints(Set.of("a")), 0);
    await().atMost(Duration.ofSeconds(5)).until(() -> target.running.get() == 1);

    queue.enqueue(List.of("c"), PushRequest.endpoints(Set.of("b")), 0);
    queue.enqueue(List.of("c"), PushRequest.endpoints(Set.of("c")), 0);
    assertThat(target.maxRunning.get()).isEqualTo(1);
    target.release.countDown();

    await().atMost(Duration.ofSeconds(5)).until(() -> target.pushed.size() == 2);
    assertThat(target.requests.get("c")).containsExactly(PushRequest.endpoints(Set.of("a")),
        new PushRequest(false, false, Set.of(), Set.of("b", "c"), Map.of("endpoint", 2)));
  }

  @Test
  void oneBatchQueuesEachConnectionAndMergesIntoOneBeingPushed() {
    PushQueue queue = new PushQueue(2, workers, target, XdsEvents.NONE, System::nanoTime);
    queue.enqueue(List.of("a"), PushRequest.endpoints(Set.of("x")), 0);
    await().atMost(Duration.ofSeconds(5)).until(() -> target.running.get() == 1);

    queue.enqueue(List.of("a", "b", "c"), PushRequest.endpoints(Set.of("y")), 0);
    await().atMost(Duration.ofSeconds(5)).until(() -> target.running.get() == 2 && queue.waiting() == 1);
    target.release.countDown();

    await().atMost(Duration.ofSeconds(5)).until(() -> target.pushed.size() == 4);
    assertThat(target.requests.get("a"))
        .containsExactly(PushRequest.endpoints(Set.of("x")), PushRequest.endpoints(Set.of("y")));
    assertThat(target.requests.get("b")).containsExactly(PushRequest.endpoints(Set.of("y")));
    assertThat(target.requests.get("c")).containsExactly(PushRequest.endpoints(Set.of("y")));
    assertThat(target.maxRunning.get()).isEqualTo(2);
  }

  @Test
  void aListIsQueuedWholeWithinTheThrottle() {
    PushQueue queue = new PushQueue(3, workers, target, XdsEvents.NONE, System::nanoTime);
    List<String> ids = java.util.stream.IntStream.range(0, 200).mapToObj(i -> "c" + i).toList();

    queue.enqueue(ids, PushRequest.fullPush(), 0);

    await().atMost(Duration.ofSeconds(5)).until(() -> target.running.get() == 3 && queue.waiting() == 197);
    target.release.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> target.pushed.size() == 200);
    assertThat(target.pushed).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(target.maxRunning.get()).isEqualTo(3);
  }

  /** Records pushes; each push blocks until released. */
  static final class BlockingTarget implements PushTarget {
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxRunning = new AtomicInteger();
    final List<String> pushed = new CopyOnWriteArrayList<>();
    final Map<String, List<PushRequest>> requests = new ConcurrentHashMap<>();

    @Override
    public List<String> connectionIds(PushRequest request) {
      return List.of();
    }

    @Override
    public void push(String connectionId, PushRequest request) {
      maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        requests.computeIfAbsent(connectionId, id -> new CopyOnWriteArrayList<>()).add(request);
        pushed.add(connectionId);
        running.decrementAndGet();
      }
    }
  }
}
