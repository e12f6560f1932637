package io.meshpilot.xds.e2e;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * An HTTP workload whose answers a test chooses, for traffic-policy tests: a status code (a
 * failing backend for outlier detection), a gate that holds requests until released (a busy
 * backend for connection-pool overflow), and optionally TLS with a certificate of the tests' CA.
 * Every answer names the backend in its body, as {@link HttpBackend} does.
 */
final class ScriptedBackend implements AutoCloseable {
  private final String name;
  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicInteger requests = new AtomicInteger();
  private final CountDownLatch gate;

  private ScriptedBackend(String name, HttpServer server, ExecutorService executor, CountDownLatch gate) {
    this.name = name;
    this.server = server;
    this.executor = executor;
    this.gate = gate;
  }

  /** Answers every request with {@code status}. */
  static ScriptedBackend answering(String name, String ip, int port, int status) {
    return start(name, create(ip, port, null), status, new CountDownLatch(0));
  }

  /** Holds every request until {@link #release()}, then answers 200. */
  static ScriptedBackend holding(String name, String ip, int port) {
    return start(name, create(ip, port, null), 200, new CountDownLatch(1));
  }

  /** Answers 200 over TLS with this certificate (chain: leaf, then the CA). */
  static ScriptedBackend tls(String name, String ip, int port, TestCertificates.Issued certificate,
      TestCertificates.Authority authority) {
    return start(name, create(ip, port, sslContext(certificate, authority)), 200, new CountDownLatch(0));
  }

  private static HttpServer create(String ip, int port, SSLContext tls) {
    try {
      InetSocketAddress address = new InetSocketAddress(ip, port);
      if (tls == null) {
        return HttpServer.create(address, 64);
      }
      HttpsServer server = HttpsServer.create(address, 64);
      server.setHttpsConfigurator(new HttpsConfigurator(tls));
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind " + ip + ":" + port, e);
    }
  }

  private static ScriptedBackend start(String name, HttpServer server, int status, CountDownLatch gate) {
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    ScriptedBackend backend = new ScriptedBackend(name, server, executor, gate);
    server.createContext("/", exchange -> {
      backend.requests.incrementAndGet();
      try {
        gate.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      byte[] body = ("served-by: " + name + "\n").getBytes(StandardCharsets.UTF_8);
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.setExecutor(executor);
    server.start();
    return backend;
  }

  private static SSLContext sslContext(TestCertificates.Issued certificate, TestCertificates.Authority authority) {
    try {
      char[] password = "changeit".toCharArray();
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("server", certificate.key(), password,
          new Certificate[] {certificate.certificate(), authority.certificate()});
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException("cannot build the TLS backend's context", e);
    }
  }

  String name() {
    return name;
  }

  int requestCount() {
    return requests.get();
  }

  /** Lets held requests (and every later one) through. */
  void release() {
    gate.countDown();
  }

  @Override
  public void close() {
    gate.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
