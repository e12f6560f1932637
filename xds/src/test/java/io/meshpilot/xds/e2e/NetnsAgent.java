package io.meshpilot.xds.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small JVM that runs inside a {@link NetnsSandbox}'s network namespace and acts there on behalf of
 * the test: it hosts backends ({@link HttpBackend}, {@link TcpEchoBackend}) and makes client calls, so
 * their sockets live in the namespace (and client calls go through its iptables rules), while the test
 * JVM stays on the host.
 *
 * <p>The test talks to it over a Unix domain socket (file system sockets cross network namespaces):
 * one command line per connection, one reply line. Replies start with {@code ok} or {@code err}, then a
 * tab and the payload. It has nothing but the JDK and this package's JDK-only classes on its class path,
 * and exits when its standard input closes (the test JVM is gone) or on {@code exit}.
 */
public final class NetnsAgent {

  static final String READY_LINE = "netns-agent ready";
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

  private final Map<String, HttpBackend> httpBackends = new ConcurrentHashMap<>();
  private final Map<String, TcpEchoBackend> tcpBackends = new ConcurrentHashMap<>();

  private NetnsAgent() {}

  /** {@code args[0]}: the Unix socket path to listen on. */
  public static void main(String[] args) throws IOException {
    Path socketPath = Path.of(args[0]);
    Files.deleteIfExists(socketPath);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socketPath));
    Files.setPosixFilePermissions(socketPath, PosixFilePermissions.fromString("rw-------"));
    Thread.ofPlatform().daemon().start(() -> {
      try {
        while (System.in.read() >= 0) {
          // drain; end of input means the test JVM is gone
        }
      } catch (IOException e) {
        // same as end of input
      }
      System.exit(0);
    });
    NetnsAgent agent = new NetnsAgent();
    System.out.println(READY_LINE);
    System.out.flush();
    while (true) {
      SocketChannel client = server.accept();
      Thread.ofVirtual().start(() -> agent.serve(client));
    }
  }

  private void serve(SocketChannel client) {
    try (client) {
      BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
      String line = in.readLine();
      String reply;
      try {
        reply = "ok\t" + handle(line == null ? new String[] {""} : line.split("\t", -1));
      } catch (Exception e) {
        reply = "err\t" + e.getClass().getSimpleName() + ": " + e.getMessage();
      }
      OutputStream out = Channels.newOutputStream(client);
      out.write((reply.replace("\n", "\\n").replace("\r", "\\r") + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      // the test gave up on this call
    }
  }

  private String handle(String[] cmd) throws IOException {
    return switch (cmd[0]) {
      case "http-backend" -> {
        HttpBackend backend = HttpBackend.start(cmd[1], cmd[2], Integer.parseInt(cmd[3]));
        httpBackends.put(cmd[1], backend);
        yield Integer.toString(backend.port());
      }
      case "tcp-backend" -> {
        TcpEchoBackend backend = TcpEchoBackend.start(cmd[1], cmd[2], Integer.parseInt(cmd[3]));
        tcpBackends.put(cmd[1], backend);
        yield Integer.toString(backend.port());
      }
      case "stop" -> {
        HttpBackend http = httpBackends.remove(cmd[1]);
        TcpEchoBackend tcp = tcpBackends.remove(cmd[1]);
        if (http != null) {
          http.close();
        }
        if (tcp != null) {
          tcp.close();
        }
        yield Boolean.toString(http != null || tcp != null);
      }
      case "count" -> {
        HttpBackend http = httpBackends.get(cmd[1]);
        TcpEchoBackend tcp = tcpBackends.get(cmd[1]);
        if (http == null && tcp == null) {
          throw new IllegalArgumentException("no backend named " + cmd[1]);
        }
        yield Integer.toString(http != null ? http.requestCount() : tcp.connectionCount());
      }
      case "http-get" -> {
        // ip, port, host header, path
        RawHttp.Response response = RawHttp.get(
            new InetSocketAddress(cmd[1], Integer.parseInt(cmd[2])), cmd[3], cmd[4], CALL_TIMEOUT);
        yield response.status() + "\t" + response.body();
      }
      case "tcp-call" -> {
        // ip, port, message[, client-first]
        TcpEchoBackend.Reply reply = TcpEchoBackend.call(new InetSocketAddress(cmd[1], Integer.parseInt(cmd[2])),
            cmd[3], CALL_TIMEOUT, cmd.length > 4 && cmd[4].equals("client-first"));
        yield reply.servedBy() + "\t" + reply.echo();
      }
      case "exit" -> {
        Thread.ofVirtual().start(() -> System.exit(0));
        yield "bye";
      }
      default -> throw new IllegalArgumentException("unknown command " + String.join(" ", cmd));
    };
  }
}
