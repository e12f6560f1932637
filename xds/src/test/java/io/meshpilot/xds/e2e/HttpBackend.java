package io.meshpilot.xds.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP workload for e2e tests: answers every request with 200 and its own name as the body (and in
 * the {@code x-served-by} header), so a test can tell which endpoint served a call, and counts requests.
 * It echoes the path and Host it saw ({@code x-seen-path}, {@code x-seen-host}), so rewrites can be
 * checked. Two paths misbehave on purpose: {@code /fail-first} answers 503 to a first attempt (Envoy's
 * {@code x-envoy-attempt-count} 1), {@code /hang} answers only when the backend closes.
 * JDK only, so it can also run inside a network namespace through {@link NetnsAgent}.
 */
public final class HttpBackend implements AutoCloseable {

  public static final String SERVED_BY_HEADER = "x-served-by";
  public static final String SEEN_PATH_HEADER = "x-seen-path";
  public static final String SEEN_HOST_HEADER = "x-seen-host";

  private final String name;
  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicInteger requests = new AtomicInteger();
  private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);

  private HttpBackend(String name, HttpServer server, ExecutorService executor) {
    this.name = name;
    this.server = server;
    this.executor = executor;
  }

  /** Starts a backend on {@code ip:port} ({@code port} 0 picks a free one). */
  public static HttpBackend start(String name, String ip, int port) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(ip, port), 64);
      ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
      HttpBackend backend = new HttpBackend(name, server, executor);
      server.createContext("/", exchange -> {
        backend.requests.incrementAndGet();
        byte[] body = name.getBytes(StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getRawPath();
        exchange.getResponseHeaders().add(SERVED_BY_HEADER, name);
        exchange.getResponseHeaders().add(SEEN_PATH_HEADER, path);
        exchange.getResponseHeaders().add(SEEN_HOST_HEADER, String.valueOf(exchange.getRequestHeaders().getFirst("host")));
        exchange.getResponseHeaders().add("content-type", "text/plain");
        exchange.getRequestBody().readAllBytes();
        int status = 200;
        if (path.startsWith("/fail-first")
            && "1".equals(exchange.getRequestHeaders().getFirst("x-envoy-attempt-count"))) {
          status = 503;
        } else if (path.startsWith("/hang")) {
          try {
            backend.closed.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
      });
      server.setExecutor(executor);
      server.start();
      return backend;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start HTTP backend " + name + " on " + ip + ":" + port, e);
    }
  }

  public String name() {
    return name;
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Requests answered so far. */
  public int requestCount() {
    return requests.get();
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
