package io.meshpilot.loadtest.client;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One simulated sidecar: an ADS stream on its own channel, driven by an {@link AdsSession}; on a
 * stream error (or the server ending the stream) it reconnects after a jittered backoff, until it
 * has failed more than {@code maxRetries} times in a row without a response in between.
 *
 * @param <Q> request message
 * @param <R> response message
 */
final class SimulatedSidecar<Q, R> {
  /** What a fleet hears from its sidecars; called on the stream's callback thread. */
  interface Events {
    void applied(int sidecar, ProxyView view);

    void streamFailed(int sidecar, Status status);

    void gaveUp(int sidecar);
  }

  private final int index;
  private final AdsSession<Q, R> session;
  private final Function<StreamObserver<R>, StreamObserver<Q>> opener;
  private final Backoff backoff;
  private final int maxRetries;
  private final ScheduledExecutorService timer;
  private final Events events;
  @GuardedBy("this")
  private ClientCallStreamObserver<Q> requests;
  @GuardedBy("this")
  private int consecutiveFailures;
  @GuardedBy("this")
  private boolean closed;

  /**
   * @param opener opens one ADS stream on this sidecar's channel
   * @param maxRetries consecutive failed streams after which the sidecar gives up for good
   * @param timer runs the delayed reconnects
   */
  SimulatedSidecar(int index, AdsSession<Q, R> session, Function<StreamObserver<R>, StreamObserver<Q>> opener,
      Backoff backoff, int maxRetries, ScheduledExecutorService timer, Events events) {
    this.index = index;
    this.session = session;
    this.opener = opener;
    this.backoff = backoff;
    this.maxRetries = maxRetries;
    this.timer = timer;
    this.events = events;
  }

  synchronized void connect() {
    if (closed) {
      return;
    }
    Stream stream = new Stream();
    opener.apply(stream);
    requests = stream.requests;
    session.open().forEach(requests::onNext);
  }

  synchronized void close() {
    closed = true;
    if (requests != null) {
      requests.cancel("load test finished", null);
    }
  }

  private synchronized void received(Stream stream, R response) {
    if (closed || stream.requests != requests) {
      return;
    }
    consecutiveFailures = 0;
    session.onResponse(response).forEach(requests::onNext);
    events.applied(index, session.view());
  }

  private synchronized void ended(Stream stream, Status status) {
    if (closed || stream.requests != requests) {
      return;
    }
    requests = null;
    consecutiveFailures++;
    events.streamFailed(index, status);
    if (consecutiveFailures > maxRetries) {
      events.gaveUp(index);
      return;
    }
    Duration wait = backoff.next(consecutiveFailures, ThreadLocalRandom.current());
    timer.schedule(this::connect, wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  int nacks() {
    return session.nacks();
  }

  /** The callbacks of one stream; a reconnect gets a new one, so late callbacks of an old stream are ignored. */
  private final class Stream implements ClientResponseObserver<Q, R> {
    private ClientCallStreamObserver<Q> requests;

    @Override
    public void beforeStart(ClientCallStreamObserver<Q> requestStream) {
      this.requests = requestStream;
    }

    @Override
    public void onNext(R response) {
      received(this, response);
    }

    @Override
    public void onError(Throwable t) {
      ended(this, Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      ended(this, Status.UNAVAILABLE.withDescription("server ended the stream"));
    }
  }
}
