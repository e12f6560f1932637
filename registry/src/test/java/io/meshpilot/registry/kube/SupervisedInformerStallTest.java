package io.meshpilot.registry.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.meshpilot.registry.ObjectKey;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An informer that synced but stopped watching, or that watches but hears nothing while other
 * informers move on, is rebuilt after its timeout, and catches up. The informer is driven here
 * without a {@link KubeSource}, so only the test's injected times reach its checks.
 */
@EnableKubernetesMockClient(crud = true, https = false, kubernetesClientBuilderCustomizer = Http11MockClient.class)
class SupervisedInformerStallTest {
  private static final long STALL = KubeSource.STALL_TIMEOUT.toNanos();
  private static final long PROBE = KubeSource.PROBE_AFTER.toNanos();
  private static final long SILENCE = KubeSource.SILENCE_TIMEOUT.toNanos();
  private static final long NO_MOVE = -1;

  KubernetesClient client;
  KubernetesMockServer server;

  private LoopbackProxy proxy;
  private KubernetesClient proxied;
  private ScheduledExecutorService scheduler;
  private SupervisedInformer<Service> services;
  private final RecordingSink sink = new RecordingSink();
  // the informer's clock: the test moves it
  private final AtomicLong time = new AtomicLong();

  @BeforeAll
  static void quietMockServer() {
    MockServerLogs.quiet();
  }

  @BeforeEach
  void startInformer() throws Exception {
    client.resource(KubeObjects.service("shop", "cart")).create();
    proxy = new LoopbackProxy(URI.create(server.url("/")).getPort());
    Config config = new ConfigBuilder(client.getConfiguration())
        .withMasterUrl("http://127.0.0.1:" + proxy.port() + "/")
        .withRequestRetryBackoffInterval(100)
        .withRequestRetryBackoffLimit(3)
        .build();
    proxied = new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(Http11MockClient.factory()).build();
    scheduler = Executors.newSingleThreadScheduledExecutor();
    services = new SupervisedInformer<>("Service", () -> proxied.services().inAnyNamespace().runnableInformer(0),
        new SinkForwarder<>(sink, KubeSource.SOURCE, "Service", "v1"), scheduler, Duration.ofMillis(100),
        KubeSource.STALL_TIMEOUT, new WatchProbe(KubeSource.PROBE_AFTER, KubeSource.SILENCE_TIMEOUT,
            () -> proxied.services().inAnyNamespace().list()), time::get);
    services.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> services.firstSync().toCompletableFuture().isDone());
    await().atMost(Duration.ofSeconds(20)).until(() -> services.current().isWatching());
  }

  @AfterEach
  void tearDown() {
    services.close();
    scheduler.shutdownNow();
    proxied.close();
    proxy.close();
  }

  @Test
  void aWatchingInformerIsNeverRebuilt() {
    services.checkStalled(0, NO_MOVE);
    services.checkStalled(3 * STALL, NO_MOVE);
    assertThat(services.rebuilds()).isZero();
  }

  @Test
  void anInformerNotWatchingForLongerThanTheTimeoutIsRebuiltAndCatchesUp() {
    proxy.cutAndRefuse();
    await().atMost(Duration.ofSeconds(20)).until(() -> !services.current().isWatching());
    var users = client.resource(KubeObjects.service("shop", "users")).create();

    services.checkStalled(0, NO_MOVE);
    services.checkStalled(STALL, NO_MOVE);
    assertThat(services.rebuilds()).as("not yet past the timeout").isZero();
    services.checkStalled(STALL + 1, NO_MOVE);
    await().atMost(Duration.ofSeconds(20)).until(() -> services.rebuilds() == 1);

    proxy.restore();
    await().atMost(Duration.ofSeconds(60)).until(() -> sink.versions().containsKey(ObjectKey.of(users)));
  }

  @Test
  void aWatchThatHearsNothingWhileOthersMoveOnIsProbedThenRebuiltAndCatchesUp() {
    assertThat(services.observeProgress(5)).as("first look: it moved when its events came, not when looked at")
        .isZero();
    // The watch's connection stays up but nothing comes through any more: the JDK WebSocket client
    // missing the end of a dead connection, or a half-open TCP connection, looks the same.
    proxy.muteOpenWatches();
    var users = client.resource(KubeObjects.service("shop", "users")).create();

    assertThat(services.observeProgress(PROBE + 1)).as("deaf: its resourceVersion stays put").isZero();
    assertThat(services.current().isWatching()).isTrue();
    services.checkStalled(PROBE + 1, 0);
    services.checkStalled(PROBE, 1);
    time.set(PROBE + 1);
    services.checkStalled(PROBE + 1, 1);
    await().atMost(Duration.ofSeconds(20)).until(() -> services.probes() == 1);
    long probed = PROBE + 1;

    services.checkStalled(probed + SILENCE, 1);
    assertThat(services.rebuilds()).as("not yet past the timeout after the probe").isZero();
    long rebuiltAt = probed + SILENCE + 1;
    services.checkStalled(rebuiltAt, 1);
    await().atMost(Duration.ofSeconds(20)).until(() -> services.rebuilds() == 1);
    assertThat(services.probes()).as("probed once: not while nothing else moved, nor before the delay").isOne();

    await().atMost(Duration.ofSeconds(60)).until(() -> sink.versions().containsKey(ObjectKey.of(users)));
    assertThat(services.observeProgress(rebuiltAt + 1)).as("its own relist is no news for the others").isEqualTo(-1);
    time.set(rebuiltAt + 2);
    var orders = client.resource(KubeObjects.service("shop", "orders")).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> sink.versions().containsKey(ObjectKey.of(orders)));
    assertThat(services.observeProgress(rebuiltAt + 3)).as("an event after it is").isEqualTo(rebuiltAt + 3);
  }

  @Test
  void aWatchThatHearsSomethingAfterItsProbeIsNotRebuiltUntilItFallsSilentAfterTheNextProbe() {
    assertThat(services.observeProgress(0)).isZero();
    time.set(PROBE + 1);
    services.checkStalled(PROBE + 1, PROBE + 1);
    await().atMost(Duration.ofSeconds(20)).until(() -> services.probes() == 1);
    // After the probe a real API server sends the watch a bookmark; an event moves it the same way.
    time.set(PROBE + 2);
    var users = client.resource(KubeObjects.service("shop", "users")).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> sink.versions().containsKey(ObjectKey.of(users)));

    long late = PROBE + 2 + SILENCE;
    assertThat(services.observeProgress(late)).as("it moved after the probe").isEqualTo(late);
    services.checkStalled(late + 1, late + 1);
    assertThat(services.rebuilds()).isZero();
    long quietAgain = late + PROBE + 1;
    time.set(quietAgain);
    services.checkStalled(quietAgain, quietAgain);
    await().atMost(Duration.ofSeconds(20)).until(() -> services.probes() == 2);
    services.checkStalled(quietAgain + SILENCE, quietAgain + SILENCE);
    assertThat(services.rebuilds()).as("the timeout runs from the new probe").isZero();
    services.checkStalled(quietAgain + SILENCE + 1, quietAgain + SILENCE + 1);
    await().atMost(Duration.ofSeconds(20)).until(() -> services.rebuilds() == 1);
  }

  @Test
  void aWatchThatKeepsMovingIsNeverRebuiltForSilence() {
    assertThat(services.observeProgress(0)).isZero();
    time.set(SILENCE / 2);
    var users = client.resource(KubeObjects.service("shop", "users")).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> sink.versions().containsKey(ObjectKey.of(users)));

    assertThat(services.observeProgress(SILENCE)).as("the event moved its resourceVersion").isEqualTo(SILENCE);
    services.checkStalled(SILENCE + 1, SILENCE + 1);
    services.checkStalled(2 * SILENCE, 2 * SILENCE);
    assertThat(services.rebuilds()).isZero();
  }
}
