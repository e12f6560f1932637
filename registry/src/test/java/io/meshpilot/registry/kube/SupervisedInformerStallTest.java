package io.meshpilot.registry.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.meshpilot.registry.ObjectKey;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An informer that synced but stopped watching is rebuilt after the stall timeout, and catches up. */
@EnableKubernetesMockClient(crud = true, https = false, kubernetesClientBuilderCustomizer = Http11MockClient.class)
class SupervisedInformerStallTest {
  private static final long STALL = KubeSource.STALL_TIMEOUT.toNanos();

  KubernetesClient client;
  KubernetesMockServer server;

  private LoopbackProxy proxy;
  private KubernetesClient proxied;
  private KubeSource source;
  private final RecordingSink sink = new RecordingSink();

  @BeforeAll
  static void quietMockServer() {
    MockServerLogs.quiet();
  }

  @BeforeEach
  void startSource() throws Exception {
    client.resource(KubeObjects.service("shop", "cart")).create();
    proxy = new LoopbackProxy(URI.create(server.url("/")).getPort());
    Config config = new ConfigBuilder(client.getConfiguration())
        .withMasterUrl("http://127.0.0.1:" + proxy.port() + "/")
        .withRequestRetryBackoffInterval(100)
        .withRequestRetryBackoffLimit(3)
        .build();
    proxied = new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(Http11MockClient.factory()).build();
    source = new KubeSource(proxied, sink, new KubeSourceOptions(true, Duration.ofSeconds(30)));
    source.start();
    await().atMost(Duration.ofSeconds(20)).until(sink::synced);
  }

  @AfterEach
  void tearDown() {
    source.close();
    proxied.close();
    proxy.close();
  }

  @Test
  void aWatchingInformerIsNeverRebuilt() {
    SupervisedInformer<?> services = source.informer("Service").orElseThrow();
    await().atMost(Duration.ofSeconds(20)).until(() -> services.current().isWatching());
    services.checkStalled(0);
    services.checkStalled(3 * STALL);
    assertThat(services.rebuilds()).isZero();
  }

  @Test
  void anInformerNotWatchingForLongerThanTheTimeoutIsRebuiltAndCatchesUp() {
    SupervisedInformer<?> services = source.informer("Service").orElseThrow();
    proxy.cutAndRefuse();
    await().atMost(Duration.ofSeconds(20)).until(() -> !services.current().isWatching());
    var users = client.resource(KubeObjects.service("shop", "users")).create();

    services.checkStalled(0);
    services.checkStalled(STALL);
    assertThat(services.rebuilds()).as("not yet past the timeout").isZero();
    services.checkStalled(STALL + 1);
    await().atMost(Duration.ofSeconds(20)).until(() -> services.rebuilds() == 1);

    proxy.restore();
    await().atMost(Duration.ofSeconds(60)).until(() -> sink.versions().containsKey(ObjectKey.of(users)));
  }
}
