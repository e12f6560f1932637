package io.meshpilot.xds.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;

/**
 * Gives each xDS stream a {@link StreamHandle} in the gRPC {@link Context}: what the transport
 * knows of the caller (its address), which the service method itself does not see.
 */
final class StreamContext implements ServerInterceptor {
  private static final Context.Key<StreamHandle> KEY = Context.key("meshpilot-xds-stream");

  /** The stream whose request is being handled on this thread, if any. */
  static Optional<StreamHandle> current() {
    return Optional.ofNullable(KEY.get());
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    StreamHandle handle = new StreamHandle(peer(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
    Context context = Context.current().withValue(KEY, handle);
    return Contexts.interceptCall(context, call, headers, next);
  }

  private static String peer(SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      return inet.getAddress().getHostAddress() + ":" + inet.getPort();
    }
    return address == null ? "" : address.toString();
  }
}
