package io.meshpilot.xds.server;

import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.Watch;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.meshpilot.xds.XdsEvents;
import io.meshpilot.xds.proxy.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * One ADS stream of one proxy: its subscriptions per type and the warming rules between them.
 * Requests (gRPC threads) and pushes (push workers) are serialised on this object, so responses
 * of one type never overtake each other and a push sends CDS, EDS, LDS, RDS in that order. Every
 * response is reported as {@link XdsEvents#pushed}.
 */
final class ProxyConnection {
  // istiod's trigger name for a response to the proxy's own request.
  private static final String PROXY_REQUEST = "proxyrequest";

  private final String id;
  private final Proxy proxy;
  private final String peer;
  private final Instant connectedAt;
  private final ResourceSource source;
  private final XdsEvents events;
  private final Map<XdsType, SotwSubscription> sotw = new EnumMap<>(XdsType.class);
  private final Map<XdsType, DeltaSubscription> delta = new EnumMap<>(XdsType.class);
  // SotW: CDS was (re)subscribed, so the next EDS request is answered even if it looks like an ACK.
  private boolean edsAlwaysRespond;
  // Delta: a CDS request was seen, so all watched EDS is pushed (envoy#33607).
  private boolean forceDeltaEds;

  ProxyConnection(String id, Proxy proxy, String peer, Instant connectedAt, ResourceSource source,
      XdsEvents events) {
    this.id = id;
    this.proxy = proxy;
    this.peer = peer;
    this.connectedAt = connectedAt;
    this.source = source;
    this.events = events;
  }

  String id() {
    return id;
  }

  Proxy proxy() {
    return proxy;
  }

  String peer() {
    return peer;
  }

  Instant connectedAt() {
    return connectedAt;
  }

  /** A SotW request for {@code type}; the watch is answered now or parked. */
  synchronized void onRequest(XdsType type, Watch watch, boolean clusterSentSinceEds) {
    SotwSubscription subscription =
        sotw.computeIfAbsent(type, t -> new SotwSubscription(t, generator(t), proxy.proxyless()));
    if (type == XdsType.CLUSTER && watch.request().getResponseNonce().isEmpty()) {
      edsAlwaysRespond = true;
    }
    boolean sendAll = type == XdsType.ENDPOINT && (edsAlwaysRespond || clusterSentSinceEds);
    boolean answered = respond(type, () -> subscription.onRequest(watch, sendAll),
        subscription::lastResponseBytes);
    if (answered) {
      events.pushTrigger(PROXY_REQUEST);
    }
    if (type == XdsType.ENDPOINT && answered) {
      edsAlwaysRespond = false;
    }
  }

  /** A Delta request for {@code type}; the watch is answered now or parked. */
  synchronized void onDeltaRequest(XdsType type, DeltaWatch watch) {
    DeltaSubscription subscription =
        delta.computeIfAbsent(type, t -> new DeltaSubscription(t, generator(t)));
    boolean sendAll = type == XdsType.ENDPOINT && forceDeltaEds;
    boolean answered = respond(type, () -> subscription.onRequest(watch, sendAll),
        subscription::lastResponseBytes);
    if (answered) {
      events.pushTrigger(PROXY_REQUEST);
    }
    if (answered && sendAll) {
      forceDeltaEds = false;
    }
    if (type == XdsType.CLUSTER && !watch.request().hasErrorDetail()) {
      forceDeltaEds = true;
      DeltaSubscription endpoints = delta.get(XdsType.ENDPOINT);
      if (endpoints != null && respond(XdsType.ENDPOINT, () -> endpoints.onPush(null, true),
          endpoints::lastResponseBytes)) {
        forceDeltaEds = false;
      }
    }
  }

  /** Regenerates what the request covers and answers parked watches whose content changed. */
  synchronized void push(PushRequest request) {
    Predicate<String> regenerate =
        request.full() ? null : name -> request.edsHostnames().contains(ClusterNames.hostname(name));
    boolean clustersSent = false;
    for (XdsType type : XdsType.values()) {
      if (!request.full() && type != XdsType.ENDPOINT) {
        continue;
      }
      SotwSubscription sotwSubscription = sotw.get(type);
      if (sotwSubscription != null) {
        // After new clusters, send all their endpoints so re-warming clusters are not left waiting.
        boolean sendAll = type == XdsType.ENDPOINT && clustersSent;
        boolean answered = respond(type, () -> sotwSubscription.onPush(regenerate, sendAll),
            sotwSubscription::lastResponseBytes);
        clustersSent |= type == XdsType.CLUSTER && answered;
      }
      DeltaSubscription deltaSubscription = delta.get(type);
      if (deltaSubscription != null) {
        // Delta forces EDS when the client ACKs the clusters (see onDeltaRequest).
        respond(type, () -> deltaSubscription.onPush(regenerate, false),
            deltaSubscription::lastResponseBytes);
      }
    }
  }

  /** True if the proxy's last request of this type is parked, waiting for a push. */
  synchronized boolean waiting(XdsType type) {
    SotwSubscription sotwSubscription = sotw.get(type);
    DeltaSubscription deltaSubscription = delta.get(type);
    return (sotwSubscription != null && sotwSubscription.waiting())
        || (deltaSubscription != null && deltaSubscription.waiting());
  }

  /**
   * Runs one subscription step that may generate and send a response, and reports it: the time to
   * generate and send and the size if it sent one, a send error if the stream refused it.
   */
  private boolean respond(XdsType type, BooleanSupplier step, LongSupplier bytes) {
    long start = System.nanoTime();
    boolean answered;
    try {
      answered = step.getAsBoolean();
    } catch (StatusRuntimeException e) {
      // As istiod: a stream going away (UNAVAILABLE, CANCELLED) is normal, anything else is an error.
      Status.Code code = e.getStatus().getCode();
      if (code != Status.Code.UNAVAILABLE && code != Status.Code.CANCELLED) {
        events.sendError(type.shortName());
      }
      throw e;
    }
    if (answered) {
      events.pushed(type.shortName(), type.typeUrl(), Duration.ofNanos(System.nanoTime() - start),
          bytes.getAsLong());
    }
    return answered;
  }

  private TypeGenerator generator(XdsType type) {
    return names -> ResourceSet.of(source.generate(proxy, type.typeUrl(), names));
  }
}
