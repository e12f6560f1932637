package io.meshpilot.xds.push;

import io.meshpilot.xds.server.AdsServer;
import io.meshpilot.xds.server.PushRequest;
import java.util.List;

/** Where pushes go: the connected proxies and a way to push one of them. */
public interface PushTarget {
  /** Ids of the connections this push reaches (push scoping). */
  List<String> connectionIds(PushRequest request);

  /** Pushes one connection (blocking until its responses are handed to the stream). */
  void push(String connectionId, PushRequest request);

  /** The ADS server as a push target. */
  static PushTarget of(AdsServer server) {
    return new PushTarget() {
      @Override
      public List<String> connectionIds(PushRequest request) {
        return server.connectionIds(request);
      }

      @Override
      public void push(String connectionId, PushRequest request) {
        server.push(connectionId, request);
      }
    };
  }
}
