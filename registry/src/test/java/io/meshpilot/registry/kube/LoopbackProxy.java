package io.meshpilot.registry.kube;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP proxy on 127.0.0.1 for tests: forwards to a target port, and can cut every connection and
 * refuse new ones (accept and close at once) until restored, or keep its open watches up but drop
 * whatever the target sends on them (a half-open connection). After an outage it can also play an
 * API server whose watch cache no longer reaches back far enough: a (plain-HTTP) watch that resumes
 * from an older resourceVersion gets kube-apiserver's answer, an ERROR event with a 410 Expired
 * Status, instead of reaching the mock.
 */
final class LoopbackProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  // target-side sockets of connections that carried a watch request, and of those muted: what the
  // target sends on a muted one is dropped instead of forwarded
  private final Set<Socket> watches = ConcurrentHashMap.newKeySet();
  private final Set<Socket> muted = ConcurrentHashMap.newKeySet();
  private volatile boolean refusing;
  private volatile boolean closed;
  private volatile boolean expireFirstWatchPerPath;
  private final Set<String> expiredPaths = ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.atomic.AtomicInteger goneAnswers = new java.util.concurrent.atomic.AtomicInteger();

  LoopbackProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "loopback-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Closes every open connection and refuses new ones until {@link #restore()}. */
  synchronized void cutAndRefuse() {
    refusing = true;
    sockets.forEach(LoopbackProxy::closeQuietly);
    sockets.clear();
  }

  /**
   * Keeps every open watch connection up but drops what the target sends on it from now on, as a
   * connection that died without a FIN or RST would: the client still sends, and hears nothing.
   * Other connections, and connections opened later, are not affected.
   */
  synchronized void muteOpenWatches() {
    watches.stream().filter(sockets::contains).forEach(muted::add);
  }

  synchronized void restore() {
    refusing = false;
  }

  /**
   * From now on, answer the first watch of each resource path that resumes from a resourceVersion
   * with 410 Expired: every informer must relist once, whatever version its last list, event or
   * bookmark (the mock's versions are shared by all its kinds) left it at; its watch after the
   * relist goes through.
   */
  void expireFirstResumedWatchOfEachPath() {
    expiredPaths.clear();
    expireFirstWatchPerPath = true;
  }

  /** How many watch requests were answered with an expired-version error. */
  int goneAnswers() {
    return goneAnswers.get();
  }

  /**
   * Closes the listener and every connection. Under the same lock as registration, so that a
   * connection accepted meanwhile cannot outlive the proxy and keep the mock server from stopping.
   */
  @Override
  public synchronized void close() {
    closed = true;
    closeQuietly(server);
    sockets.forEach(LoopbackProxy::closeQuietly);
    sockets.clear();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      try {
        Socket upstream = new Socket();
        upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
        // Checked and registered under the lock that cutAndRefuse takes, so that a connection
        // accepted while an outage begins is either refused here or cut there, never missed.
        synchronized (this) {
          if (refusing || closed) {
            closeQuietly(client);
            closeQuietly(upstream);
            continue;
          }
          sockets.add(client);
          sockets.add(upstream);
        }
        pump(client, upstream, true);
        pump(upstream, client, false);
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private void pump(Socket from, Socket to, boolean requests) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          String head = requests ? new String(buffer, 0, n, StandardCharsets.ISO_8859_1) : null;
          if (head != null && WATCH_FROM.matcher(head).lookingAt()) {
            watches.add(to);
          }
          if (head != null && isExpiredWatch(head)) {
            goneAnswers.incrementAndGet();
            from.getOutputStream().write(expiredWatchResponse(head));
            from.getOutputStream().flush();
            break;
          }
          if (!requests && muted.contains(from)) {
            continue;
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // connection cut: fall through and close both ends
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        sockets.remove(from);
        sockets.remove(to);
        watches.remove(requests ? to : from);
        muted.remove(requests ? to : from);
      }
    }, "loopback-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static final Pattern WATCH_FROM =
      Pattern.compile("^GET [^ ]*[?&]watch=true[^ ]*", Pattern.DOTALL);
  private static final Pattern RESOURCE_VERSION = Pattern.compile("[?&]resourceVersion=(\\d+)");
  private static final Pattern WEBSOCKET_KEY =
      Pattern.compile("^Sec-WebSocket-Key:\\s*(\\S+)", Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);
  private static final Pattern WEBSOCKET_PROTOCOL =
      Pattern.compile("^Sec-WebSocket-Protocol:\\s*([^,\\r\\n]+)", Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);
  /** What kube-apiserver streams when a watch resumes from a version its cache no longer holds. */
  private static final String EXPIRED_EVENT = "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\","
      + "\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"too old resource version\","
      + "\"reason\":\"Expired\",\"code\":410}}";

  private boolean isExpiredWatch(String head) {
    if (!expireFirstWatchPerPath) {
      return false;
    }
    Matcher request = WATCH_FROM.matcher(head);
    if (!request.lookingAt() || !RESOURCE_VERSION.matcher(request.group()).find()) {
      return false;
    }
    String target = request.group().substring("GET ".length());
    String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
    return expiredPaths.add(path);
  }

  /** Accepts the watch (as a WebSocket when asked to) and streams the single ERROR event. */
  private static byte[] expiredWatchResponse(String head) throws IOException {
    byte[] event = EXPIRED_EVENT.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Matcher key = WEBSOCKET_KEY.matcher(head);
    if (!key.find()) {
      out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + (event.length + 1)
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(event);
      out.write('\n');
      return out.toByteArray();
    }
    String accept;
    try {
      accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
          .digest((key.group(1) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1)));
    } catch (NoSuchAlgorithmException e) {
      throw new IOException(e);
    }
    Matcher protocol = WEBSOCKET_PROTOCOL.matcher(head);
    out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: " + accept + "\r\n"
        + (protocol.find() ? "Sec-WebSocket-Protocol: " + protocol.group(1).trim() + "\r\n" : "")
        + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.write(0x81); // final text frame, unmasked (server to client)
    if (event.length < 126) {
      out.write(event.length);
    } else {
      out.write(126);
      out.write(event.length >>> 8);
      out.write(event.length & 0xff);
    }
    out.write(event);
    out.write(new byte[] {(byte) 0x88, 0x02, 0x03, (byte) 0xe8}); // close, 1000
    return out.toByteArray();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // already closed
    }
  }
}
