package io.meshpilot.xds.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP workload for e2e tests: on each connection it first writes its own name and a newline, then
 * echoes whatever it receives. Counts connections. JDK only (runs inside {@link NetnsAgent} too).
 */
public final class TcpEchoBackend implements AutoCloseable {

  private final String name;
  private final ServerSocket server;
  private final AtomicInteger connections = new AtomicInteger();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  private TcpEchoBackend(String name, ServerSocket server) {
    this.name = name;
    this.server = server;
  }

  /** Starts a backend on {@code ip:port} ({@code port} 0 picks a free one). */
  public static TcpEchoBackend start(String name, String ip, int port) {
    try {
      ServerSocket server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getByName(ip), port), 64);
      TcpEchoBackend backend = new TcpEchoBackend(name, server);
      Thread.ofVirtual().name("tcp-echo-" + name).start(backend::acceptLoop);
      return backend;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start TCP backend " + name + " on " + ip + ":" + port, e);
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        connections.incrementAndGet();
        open.add(socket);
        Thread.ofVirtual().start(() -> serve(socket));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      OutputStream out = socket.getOutputStream();
      out.write((name + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[4096];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // peer went away; nothing to do
    } finally {
      open.remove(socket);
    }
  }

  /** What a client saw: the first line (the serving backend's name) and the echo of its message. */
  public record Reply(String servedBy, String echo) {}

  /**
   * Connects to {@code address}, reads the greeting line, sends {@code message} and a newline and reads
   * the echoed line; bounded by {@code timeout} per read.
   */
  public static Reply call(InetSocketAddress address, String message, Duration timeout) throws IOException {
    return call(address, message, timeout, false);
  }

  /**
   * As {@link #call(InetSocketAddress, String, Duration)}, but with {@code clientFirst} the message is
   * sent before the greeting is read: the client speaks first, as a proxy that inspects the first
   * bytes (tls_inspector, http_inspector) needs.
   */
  public static Reply call(InetSocketAddress address, String message, Duration timeout, boolean clientFirst)
      throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(address, (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = socket.getOutputStream();
      if (clientFirst) {
        send(out, message);
      }
      String greeting = in.readLine();
      if (greeting == null) {
        throw new IOException("connection to " + address + " closed before any greeting");
      }
      if (!clientFirst) {
        send(out, message);
      }
      String echo = in.readLine();
      if (echo == null) {
        throw new IOException("connection to " + address + " closed before the echo");
      }
      return new Reply(greeting, echo);
    }
  }

  private static void send(OutputStream out, String message) throws IOException {
    out.write((message + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  public String name() {
    return name;
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Connections accepted so far. */
  public int connectionCount() {
    return connections.get();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket socket : open) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
