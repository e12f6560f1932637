package io.meshpilot.debughttp;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.meshpilot.registry.ServiceRegistry;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server on port 15014: {@code /debug/registryz}, {@code /debug/rejectedz},
 * {@code /debug/list}, {@code /ready} and {@code /version}. It runs an embedded Micronaut (Netty)
 * server in its own application context, so callers need no Micronaut of their own.
 */
public final class DebugHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DebugHttpServer.class);

  private final ApplicationContext context;
  private final EmbeddedServer server;

  private DebugHttpServer(ApplicationContext context, EmbeddedServer server) {
    this.context = context;
    this.server = server;
  }

  /**
   * Starts serving; returns once the port is bound.
   *
   * @param options where to listen and what {@code /version} says
   * @param sources what the views read
   */
  public static DebugHttpServer start(DebugHttpOptions options, DebugSources sources) {
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
    try {
      context.start();
      EmbeddedServer server = context.getBean(EmbeddedServer.class);
      server.start();
      LOG.info("debug HTTP server listening on {}:{}", options.bindAddress(), server.getPort());
      return new DebugHttpServer(context, server);
    } catch (RuntimeException e) {
      context.close();
      throw e;
    }
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
  }
}
