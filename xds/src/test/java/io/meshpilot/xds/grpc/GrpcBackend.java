package io.meshpilot.xds.grpc;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A plain gRPC server on a loopback address serving {@link Whoami} under a workload name. */
final class GrpcBackend implements AutoCloseable {
  private final String name;
  private final String ip;
  private final Server server;
  private final AtomicInteger calls;

  private GrpcBackend(String name, String ip, Server server, AtomicInteger calls) {
    this.name = name;
    this.ip = ip;
    this.server = server;
    this.calls = calls;
  }

  /** Starts on {@code ip} and a free port. */
  static GrpcBackend start(String name, String ip) throws IOException {
    AtomicInteger calls = new AtomicInteger();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(ip, 0))
        .addService(Whoami.service(name, calls))
        .build()
        .start();
    return new GrpcBackend(name, ip, server, calls);
  }

  String name() {
    return name;
  }

  String ip() {
    return ip;
  }

  int port() {
    return server.getPort();
  }

  int calls() {
    return calls.get();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
