package io.meshpilot.xds.server;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the xDS calls that are open so a shutdown can end them: an ADS stream never ends on its
 * own, and a proxy only reconnects (to another replica) once its stream is closed. Each call's
 * outgoing side is serialized here, because the shutdown closes it from another thread than the
 * one that sends responses.
 */
final class OpenStreams implements ServerInterceptor {
  private final Set<ClosableCall<?, ?>> open = ConcurrentHashMap.newKeySet();

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    ClosableCall<Q, R> closable = new ClosableCall<>(call);
    open.add(closable);
    ServerCall.Listener<Q> listener = next.startCall(closable, headers);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onComplete() {
        open.remove(closable);
        super.onComplete();
      }

      @Override
      public void onCancel() {
        open.remove(closable);
        super.onCancel();
      }
    };
  }

  /** How many calls are open now. */
  int count() {
    return open.size();
  }

  /**
   * Ends every open call with {@code status}; later sends on those calls are dropped.
   *
   * @return how many calls were closed here (not already closing on their own)
   */
  int closeAll(Status status) {
    int closed = 0;
    for (ClosableCall<?, ?> call : List.copyOf(open)) {
      if (call.closeOnce(status)) {
        closed++;
      }
    }
    return closed;
  }

  /** A call whose sends and close are serialized, and that can be closed once from outside. */
  private static final class ClosableCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    private boolean closed;

    ClosableCall(ServerCall<Q, R> delegate) {
      super(delegate);
    }

    @Override
    public synchronized void sendHeaders(Metadata headers) {
      if (!closed) {
        super.sendHeaders(headers);
      }
    }

    @Override
    public synchronized void sendMessage(R message) {
      if (!closed) {
        super.sendMessage(message);
      }
    }

    @Override
    public synchronized void close(Status status, Metadata trailers) {
      if (!closed) {
        closed = true;
        super.close(status, trailers);
      }
    }

    synchronized boolean closeOnce(Status status) {
      if (closed) {
        return false;
      }
      closed = true;
      super.close(status, new Metadata());
      return true;
    }
  }
}
