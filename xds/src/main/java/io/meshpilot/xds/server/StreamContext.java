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
import java.util.function.Consumer;

/**
 * Gives each xDS stream a {@link StreamHandle} in the gRPC {@link Context}. java-control-plane
 * calls the ConfigWatcher without a stream id, and Envoy sends its node only on the first request,
 * so the cache finds the stream's proxy through this context (attached on every request).
 */
final class StreamContext implements ServerInterceptor {
  private static final Context.Key<StreamHandle> KEY = Context.key("meshpilot-xds-stream");

  private final Consumer<StreamHandle> onEnd;

  /** @param onEnd called when the call ends in any way (completion, error, cancellation) */
  StreamContext(Consumer<StreamHandle> onEnd) {
    this.onEnd = onEnd;
  }

  /** The stream whose request is being handled on this thread, if any. */
  static Optional<StreamHandle> current() {
    return Optional.ofNullable(KEY.get());
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    StreamHandle handle = new StreamHandle(peer(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
    Context context = Context.current().withValue(KEY, handle);
    // The call's context is cancelled when the call ends, however it ends.
    context.addListener(ended -> onEnd.accept(handle), Runnable::run);
    return Contexts.interceptCall(context, call, headers, next);
  }

  private static String peer(SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      return inet.getAddress().getHostAddress() + ":" + inet.getPort();
    }
    return address == null ? "" : address.toString();
  }
}
