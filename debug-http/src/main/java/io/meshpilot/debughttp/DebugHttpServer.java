package io.meshpilot.debughttp;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.meshpilot.xds.auth.TokenReviewer;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.meshpilot.registry.ServiceRegistry;
import java.net.InetAddress;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server on port 15014: the {@code /debug/*} views (registry, endpoint shards, sync status,
 * connected proxies, config dumps, ...) behind {@link DebugAccess}, plus {@code /metrics},
 * {@code /ready} and {@code /version}. It runs an embedded Micronaut (Netty) server in its own
 * application context, so callers need no Micronaut of their own.
 */
public final class DebugHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DebugHttpServer.class);

  private final ApplicationContext context;
  private final EmbeddedServer server;
  private final AutoCloseable reviewerClient;

  private DebugHttpServer(ApplicationContext context, EmbeddedServer server, AutoCloseable reviewerClient) {
    this.context = context;
    this.server = server;
    this.reviewerClient = reviewerClient;
  }

  /**
   * Starts serving; returns once the port is bound.
   *
   * @param options where to listen and what {@code /version} says
   * @param sources what the views read
   */
  public static DebugHttpServer start(DebugHttpOptions options, DebugSources sources) {
    if (!options.tokenReview() || options.tokenFile().isPresent()) {
      return start(options, sources, TokenReviewer.NONE, InetAddress::isLoopbackAddress, () -> {});
    }
    KubernetesClient client = new KubernetesClientBuilder().build(); // in-cluster config
    try {
      return start(options, sources, new KubeTokenReviewer(client, options.tokenAudiences()),
          InetAddress::isLoopbackAddress, client);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /**
   * Starts with a given token reviewer and notion of trusted (token-free) caller addresses; tests
   * use it to make loopback calls look remote.
   */
  static DebugHttpServer start(DebugHttpOptions options, DebugSources sources, TokenReviewer reviewer,
      Predicate<InetAddress> trusted) {
    return start(options, sources, reviewer, trusted, () -> {});
  }

  private static DebugHttpServer start(DebugHttpOptions options, DebugSources sources, TokenReviewer reviewer,
      Predicate<InetAddress> trusted, AutoCloseable reviewerClient) {
    ApplicationContext context = ApplicationContext.builder()
        .banner(false)
        .deduceEnvironment(false) // no environment guessing (test, k8s, cloud) and no extra config files
        .deduceCloudEnvironment(false)
        .properties(Map.of(
            "micronaut.server.host", options.bindAddress(),
            "micronaut.server.port", options.port()))
        .build();
    context.registerSingleton(ServiceRegistry.class, sources.registry());
    context.registerSingleton(DebugSources.class, sources);
    context.registerSingleton(DebugHttpOptions.class, options);
    context.registerSingleton(DebugAccess.class, new DebugAccess(options, reviewer, trusted));
    try {
      context.start();
      EmbeddedServer server = context.getBean(EmbeddedServer.class);
      server.start();
      LOG.info("debug HTTP server listening on {}:{} (debug endpoints {}, non-loopback callers {})",
          options.bindAddress(), server.getPort(), options.debugEnabled() ? "on" : "off", remoteAccess(options));
      return new DebugHttpServer(context, server, reviewerClient);
    } catch (RuntimeException e) {
      context.close();
      throw e;
    }
  }

  private static String remoteAccess(DebugHttpOptions options) {
    if (options.tokenFile().isPresent()) {
      return "need a token from " + options.tokenFile().get();
    }
    return options.tokenReview() ? "need a token passing TokenReview" : "refused";
  }

  /** The bound port (a free one when the options asked for 0). */
  public int port() {
    return server.getPort();
  }

  /** Stops the server and its context. */
  @Override
  public void close() {
    server.stop();
    context.close();
    try {
      reviewerClient.close();
    } catch (Exception e) {
      LOG.warn("closing the TokenReview client: {}", e.toString());
    }
  }
}
