package io.fabric8.kubernetes.client.server.mock;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * The CRUD mock's server side of one watch, in place of fabric8's own class of the same name (test
 * classes come first on the test classpath, so the mock's dispatcher builds this one). Same
 * behaviour, one difference: when the watch ends it never waits for its pending sends.
 *
 * <p>fabric8 7.8.0's listener waits, on the Vert.x event loop (the mock's only one), for its send
 * thread to finish, while that thread's send waits up to 30 s for the event loop to write the frame.
 * A watch that ends while an event is on its way (a client stopping an informer just after it synced,
 * while the mock still sends it its initial ADDED events) so freezes the whole mock for 30 s: a
 * request made meanwhile times out and its retry fails with 409 Conflict, and a mock being shut down
 * gives up ("Unable to close MockWebServer"). Delete this class once fabric8 stops waiting there.
 */
class WatchEventsListener extends WebSocketListener {
  private final Context context;
  private final AttributeSet attributeSet;
  private final Set<WatchEventsListener> listeners;
  private final Logger logger;
  private final Consumer<WatchEventsListener> onOpenAction;
  // one thread per watch, so that its events go out in order, off the event loop
  private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "mock-watch-sender");
    t.setDaemon(true);
    return t;
  });
  private final Object lock = new Object();
  // guarded by lock: null until the WebSocket is open; events for the watch wait in pending until then
  private WebSocket webSocket;
  private final List<String> pending = new ArrayList<>();

  public WatchEventsListener(Context context, AttributeSet attributeSet, Set<WatchEventsListener> listeners, Logger logger,
      Consumer<WatchEventsListener> onOpenAction) {
    this.context = context;
    this.attributeSet = attributeSet;
    this.listeners = listeners;
    this.logger = logger;
    this.onOpenAction = onOpenAction;
  }

  public boolean attributeMatches(AttributeSet set) {
    return set.matches(attributeSet);
  }

  @Override
  public void onOpen(WebSocket socket, Response response) {
    List<String> early;
    synchronized (lock) {
      webSocket = socket;
      early = new ArrayList<>(pending);
      pending.clear();
    }
    // the initial ADDED events first, then what changed while the WebSocket was being opened
    onOpenAction.accept(this);
    early.forEach(body -> send(socket, body));
  }

  @Override
  public void onClosing(WebSocket socket, int code, String reason) {
    // behind the events already queued, so that they still reach the client
    execute(() -> socket.close(code, reason));
  }

  @Override
  public void onClosed(WebSocket socket, int code, String reason) {
    socket.close(code, reason);
    sender.shutdown();
    listeners.remove(this);
  }

  @Override
  public void onFailure(WebSocket socket, Throwable error, Response response) {
    socket.close(1000, error.getMessage());
    sender.shutdownNow();
    listeners.remove(this);
  }

  public void sendWebSocketResponse(String object, Watcher.Action action) {
    String body;
    try {
      body = context.getMapper().writeValueAsString(
          new WatchEvent(Serialization.unmarshal(object, GenericKubernetesResource.class), action.name()));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
    WebSocket socket;
    synchronized (lock) {
      socket = webSocket;
      if (socket == null) {
        pending.add(body);
        return;
      }
    }
    send(socket, body);
  }

  private void send(WebSocket socket, String body) {
    execute(() -> socket.send(body));
  }

  private void execute(Runnable task) {
    try {
      sender.execute(task);
    } catch (RejectedExecutionException e) {
      logger.debug("Watch already ended; not sending");
    }
  }
}
