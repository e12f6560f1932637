package io.meshpilot.xds.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Forwards connections made to a Unix domain socket to a TCP address on the host. This is how an Envoy
 * inside a {@link NetnsSandbox} reaches a server in the test JVM (meshpilot's ADS port): the socket file
 * is visible from every network namespace, and no interface or address outside the namespace is needed.
 */
final class UnixSocketRelay implements AutoCloseable {

  private final Path path;
  private final InetSocketAddress target;
  private final ServerSocketChannel server;
  private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();

  private UnixSocketRelay(Path path, InetSocketAddress target, ServerSocketChannel server) {
    this.path = path;
    this.target = target;
    this.server = server;
  }

  /** Listens on {@code path} (readable and writable by every uid, for Envoy's) and relays to {@code target}. */
  static UnixSocketRelay start(Path path, InetSocketAddress target) {
    try {
      Files.deleteIfExists(path);
      ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(path));
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
      UnixSocketRelay relay = new UnixSocketRelay(path, target, server);
      Thread.ofVirtual().name("uds-relay-" + path.getFileName()).start(relay::acceptLoop);
      return relay;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot relay " + path + " to " + target, e);
    }
  }

  Path path() {
    return path;
  }

  InetSocketAddress target() {
    return target;
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      SocketChannel downstream;
      try {
        downstream = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      open.add(downstream);
      Thread.ofVirtual().start(() -> connect(downstream));
    }
  }

  private void connect(SocketChannel downstream) {
    SocketChannel upstream;
    try {
      upstream = SocketChannel.open(target);
    } catch (IOException e) {
      closeQuietly(downstream);
      return;
    }
    open.add(upstream);
    Thread.ofVirtual().start(() -> pump(upstream, downstream));
    pump(downstream, upstream);
  }

  private void pump(SocketChannel from, SocketChannel to) {
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    try {
      while (from.read(buffer) >= 0) {
        buffer.flip();
        while (buffer.hasRemaining()) {
          to.write(buffer);
        }
        buffer.clear();
      }
    } catch (IOException e) {
      // one side went away
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private void closeQuietly(SocketChannel channel) {
    open.remove(channel);
    try {
      channel.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    open.forEach(this::closeQuietly);
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // the sandbox removes its directory anyway
    }
  }
}
