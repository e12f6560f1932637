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
 * JDK only, so it can also run inside a network namespace through {@link NetnsAgent}.
 */
public final class HttpBackend implements AutoCloseable {

  public static final String SERVED_BY_HEADER = "x-served-by";

  private final String name;
  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicInteger requests = new AtomicInteger();

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
        exchange.getResponseHeaders().add(SERVED_BY_HEADER, name);
        exchange.getResponseHeaders().add("content-type", "text/plain");
        exchange.getRequestBody().readAllBytes();
        exchange.sendResponseHeaders(200, body.length);
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
    server.stop(0);
    executor.shutdownNow();
  }
}
