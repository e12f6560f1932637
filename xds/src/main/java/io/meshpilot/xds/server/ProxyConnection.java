package io.meshpilot.xds.server;

import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.meshpilot.xds.XdsEvents;
import io.meshpilot.xds.proxy.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ADS stream of one proxy, and the one owner of everything about it: the proxy, its
 * subscription per type (names, what was sent and ACKed, nonces), the call it answers on, and the
 * warming rules between types. syncz, adsz and the metrics read it.
 *
 * <p>Requests (gRPC threads), pushes (push workers) and the call's readiness (gRPC) are serialised
 * on this object. Nothing is generated while the call is not ready to take a message (gRPC flow
 * control): a type that changed meanwhile stays marked and is generated from the newest state
 * once the client reads again, so a client that stops reading holds at most one response per
 * stream in memory and a newer push replaces an unsent one. A push sends CDS, EDS, LDS, RDS in
 * that order.
 */
final class ProxyConnection {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyConnection.class);
  // istiod's trigger name for a response to the proxy's own request.
  private static final String PROXY_REQUEST = "proxyrequest";
  private static final String WILDCARD = "*";
  // answerSotw/answerDelta: the response was held back by the send budget.
  private static final long BLOCKED = -2;
  // Every cluster warms (a new or re-subscribed CDS): compared by identity.
  private static final Set<String> ALL = java.util.Collections.unmodifiableSet(new HashSet<>());

  /** Where responses go: the gRPC call, seen through what the connection needs of it. */
  interface Sender {
    /** False while the transport buffers more than it should (gRPC's isReady). */
    boolean isReady();

    void send(WireResponse response);
  }

  private final String id;
  private final Proxy proxy;
  private final String peer;
  private final Instant connectedAt;
  private final boolean delta;
  private final ResourceSource source;
  private final XdsEvents events;
  private final XdsCounters counters;
  private final Clock clock;
  private final Sender sender;
  private final SendBudget budget;
  // Bytes of responses handed to gRPC that the transport has not yet written out (see SendBudget).
  private long held;
  // What the send budget runs when bytes it held back for this connection can go (one instance);
  // passing on to the next waiter afterwards, in case this connection had nothing left to send.
  private final Runnable resumeWhenBudget;
  private final Map<XdsType, Subscription> subscriptions = new EnumMap<>(XdsType.class);
  // Types whose answer may have changed (a push, a new subscription) and are not evaluated yet.
  private final Set<XdsType> dirty = EnumSet.noneOf(XdsType.class);
  // Clusters Envoy (re)warms and waits endpoints for, whether or not they changed: SotW, those new
  // or changed in the last CDS response (all after CDS is (re)subscribed); Delta, those in the CDS
  // response the proxy just ACKed (envoy#33607). The next EDS answer carries their endpoints.
  // Null: none.
  private Set<String> warming;
  // The clusters new or changed in the last CDS response (Delta: warmed once it is ACKed).
  private Set<String> lastClusterChanges = Set.of();
  // While EDS is marked only by endpoints-only pushes: the hostnames they named (only their
  // endpoints are regenerated and sent). Null: everything is regenerated.
  private Set<String> edsHosts;
  private long nonces;
  // Nonces are a counter and this suffix, which tells this stream's from another's.
  private final String nonceSuffix = "-" + Integer.toHexString(System.identityHashCode(this));
  private boolean closed;
  // When a push last reached this connection (for /debug/why: did the push of a change get here).
  private Instant lastPush;
  // The flush under way answers the proxy's own request (istiod's "proxyrequest" trigger), not a push.
  private boolean answeringRequest;

  ProxyConnection(String id, Proxy proxy, String peer, Instant connectedAt, boolean delta,
      ResourceSource source, XdsEvents events, XdsCounters counters, Clock clock, Sender sender,
      SendBudget budget) {
    this.id = id;
    this.proxy = proxy;
    this.peer = peer;
    this.connectedAt = connectedAt;
    this.delta = delta;
    this.source = source;
    this.events = events;
    this.counters = counters;
    this.clock = clock;
    this.sender = sender;
    this.budget = budget;
    this.resumeWhenBudget = () -> {
      onReady();
      budget.release(0);
    };
  }

  String id() {
    return id;
  }

  Proxy proxy() {
    return proxy;
  }

  /** A state-of-the-world request. */
  synchronized void onRequest(DiscoveryRequest request) {
    XdsType type = XdsType.ofTypeUrl(request.getTypeUrl()).orElse(null);
    if (type == null) {
      LOG.debug("ADS: {} asked for unserved type {}", id, request.getTypeUrl());
      return;
    }
    Subscription subscription = subscription(type);
    String nonce = request.getResponseNonce();
    if (!nonce.isEmpty() && !nonce.equals(subscription.nonceSent)) {
      expired(type);
      return;
    }
    List<String> requested = request.getResourceNamesList();
    subscription.named = !type.wildcard() || (proxy.proxyless() && !requested.isEmpty());
    boolean namesChanged = subscription.names(subscription.named ? requested : List.of());
    subscription.requested = true;
    if (request.hasErrorDetail()) {
      nack(subscription, request.getErrorDetail());
      return;
    }
    if (nonce.isEmpty()) {
      markAll(type);
      if (type == XdsType.CLUSTER) {
        warming = ALL;
      }
    } else {
      subscription.ack(nonce, request.getVersionInfo());
      LOG.debug("ADS:{}: ACK {}", type.logName(), id);
    }
    if (namesChanged || (type == XdsType.ENDPOINT && warming != null)) {
      markAll(type);
    }
    flushForRequest();
  }

  /** A Delta (incremental) request. */
  synchronized void onDeltaRequest(DeltaDiscoveryRequest request) {
    XdsType type = XdsType.ofTypeUrl(request.getTypeUrl()).orElse(null);
    if (type == null) {
      LOG.debug("ADS: {} asked for unserved type {}", id, request.getTypeUrl());
      return;
    }
    Subscription subscription = subscription(type);
    if (subscription.first && !subscription.requested) {
      // A reconnecting client says what it has; versions are content hashes, so equal ones match
      // across restarts and replicas, and names no longer generated get removed.
      subscription.sent = ResourceSet.ofVersions(request.getInitialResourceVersionsMap());
      subscription.acked = subscription.sent;
    }
    boolean namesChanged = false;
    // an ACK names nothing: the thousand watched names are not copied for it
    boolean namesListed = request.getResourceNamesSubscribeCount() > 0 || request.getResourceNamesUnsubscribeCount() > 0;
    if (!type.wildcard() && namesListed) {
      Set<String> names = new HashSet<>(subscription.names);
      names.addAll(request.getResourceNamesSubscribeList());
      request.getResourceNamesUnsubscribeList().forEach(names::remove);
      names.remove(WILDCARD);
      namesChanged = subscription.names(names);
    }
    String nonce = request.getResponseNonce();
    boolean stale = !nonce.isEmpty() && !nonce.equals(subscription.nonceSent);
    if (stale) {
      expired(type);
      if (!namesChanged) {
        return;
      }
      markAll(type);
      flushForRequest();
      return;
    }
    subscription.requested = true;
    if (request.hasErrorDetail()) {
      nack(subscription, request.getErrorDetail());
      return;
    }
    if (!nonce.isEmpty()) {
      subscription.ack(nonce, subscription.versionSent);
    } else {
      markAll(type);
    }
    if (namesChanged) {
      markAll(type);
    }
    if (type == XdsType.CLUSTER) {
      warming = union(warming, nonce.isEmpty() ? ALL : lastClusterChanges);
      markAll(XdsType.ENDPOINT);
    }
    flushForRequest();
  }

  /**
   * Sends a debug answer (istioctl's syncz or config_dump): once, outside the subscriptions, as
   * istiod does not let such requests start a watch. It bypasses the send budget: it is one
   * response to a request, not a push that could be repeated for many streams at once.
   */
  synchronized void sendDebug(String typeUrl, DebugResponse answer) {
    if (closed) {
      return;
    }
    DiscoveryResponse.Builder response = DiscoveryResponse.newBuilder()
        .setVersionInfo(answer.versionInfo())
        .setTypeUrl(typeUrl)
        .setNonce(nextNonce())
        .addAllResources(answer.resources());
    answer.controlPlane().ifPresent(response::setControlPlane);
    try {
      sender.send(WireResponse.of(response.build()));
    } catch (StatusRuntimeException e) {
      // istioctl gave up (its --timeout) before the answer was ready: nobody to tell
      LOG.debug("ADS:{}: not sent to {}: {}", typeUrl, id, e.getStatus());
      return;
    }
    LOG.info("ADS:{}: PUSH for node:{} resources:{}", typeUrl, id, answer.resources().size());
  }

  /** Marks what the push covers as changed and answers what can be answered now. */
  synchronized void push(PushRequest request) {
    lastPush = clock.instant();
    if (!request.full() && answerEndpointsAtRest(request.edsHostnames())) {
      return;
    }
    if (request.full()) {
      dirty.addAll(EnumSet.allOf(XdsType.class));
      edsHosts = null;
    } else {
      if (!dirty.contains(XdsType.ENDPOINT)) {
        edsHosts = new HashSet<>();
      }
      if (edsHosts != null) {
        edsHosts.addAll(request.edsHostnames());
      }
      dirty.add(XdsType.ENDPOINT);
    }
    flush();
  }

  /**
   * An endpoints-only push to a stream at rest (nothing else pending or warming, its last EDS
   * response ACKed, the call ready) whose assignments are one shared part: answered from that
   * part's diff against the one the proxy holds, which every proxy of its scope shares. Kept apart
   * from {@link #flush}, so the push after every endpoint change takes a short path and the
   * general one keeps the shape requests gave it (its compiled code is not thrown away by the first
   * endpoint push, nor compiled again, much larger, by the next).
   *
   * @return false when the general path must answer (then nothing was sent)
   */
  private boolean answerEndpointsAtRest(Set<String> hostnames) {
    Subscription eds = subscriptions.get(XdsType.ENDPOINT);
    if (closed || !dirty.isEmpty() || warming != null || eds == null || !eds.requested || eds.first
        || eds.watchesNothing() || eds.sent != eds.acked || !(eds.acked instanceof ResourceSet holds)
        || holds.parts().size() != 1 || !sender.isReady()) {
      return false;
    }
    releaseIfWritten();
    long start = System.nanoTime();
    ResourceSet current = source.generate(proxy, XdsType.ENDPOINT, eds.names);
    if (current.parts().size() != 1) {
      return false;
    }
    ResourcePart.Changes changes = current.parts().getFirst().changesSince(holds.parts().getFirst());
    for (EncodedResource change : changes.resources()) {
      if (!hostnames.contains(ClusterNames.hostname(change.name()))) {
        return false; // other assignments differ too: only the general path sends a part of them
      }
    }
    eds.shareNames(current);
    if (changes.resources().isEmpty()) {
      return true;
    }
    String nonce = nextNonce();
    String typeUrl = XdsType.ENDPOINT.typeUrl();
    WireResponse response = delta
        ? WireResponse.delta(current.version(), typeUrl, nonce, List.of(changes.deltaFields()), List.of())
        : WireResponse.sotw(current.version(), typeUrl, nonce, List.of(changes.sotwFields()));
    if (!send(response)) {
      return false; // over the send budget: the general path marks it, to resume when bytes have gone out
    }
    sent(eds, current, current, nonce, changes.resources().size(), changes.bytes());
    events.pushed(XdsType.ENDPOINT.shortName(), typeUrl, Duration.ofNanos(System.nanoTime() - start), changes.bytes());
    return true;
  }

  private void markAll(XdsType type) {
    dirty.add(type);
    if (type == XdsType.ENDPOINT) {
      edsHosts = null;
    }
  }

  /** The call can take messages again (gRPC's onReady). */
  synchronized void onReady() {
    flush();
  }

  /** The stream ended: nothing is sent any more. */
  synchronized void close() {
    closed = true;
    dirty.clear();
    budget.forget(resumeWhenBudget);
    budget.release(held);
    held = 0;
  }

  /** True if the proxy's last request of this type waits for a push (nothing pending). */
  synchronized boolean waiting(XdsType type) {
    Subscription subscription = subscriptions.get(type);
    return subscription != null && subscription.requested && !dirty.contains(type);
  }

  synchronized ProxySyncState syncState() {
    Map<XdsType, TypeSyncState> types = new EnumMap<>(XdsType.class);
    subscriptions.forEach((type, subscription) -> types.put(type, subscription.syncState()));
    return new ProxySyncState(id, proxy, peer, connectedAt, types);
  }

  /** What the proxy was sent and accepted per type, and what is still owed, for {@code /debug/why}. */
  synchronized ProxyHoldings holdings() {
    Map<XdsType, ProxyHoldings.TypeHolding> types = new EnumMap<>(XdsType.class);
    subscriptions.forEach((type, subscription) -> types.put(type, new ProxyHoldings.TypeHolding(
        subscription.requested, dirty.contains(type), subscription.sent, subscription.acked)));
    return new ProxyHoldings(syncState(), !closed && sender.isReady(), java.util.Optional.ofNullable(lastPush), types);
  }

  private Subscription subscription(XdsType type) {
    return subscriptions.computeIfAbsent(type, Subscription::new);
  }

  private void expired(XdsType type) {
    counters.expiredNonce(type);
    events.expiredNonce(type.shortName());
    LOG.debug("ADS:{}: expired nonce from {}", type.logName(), id);
  }

  private void nack(Subscription subscription, com.google.rpc.Status error) {
    XdsType type = subscription.type;
    // The client keeps its last good config; resending the same content would only be rejected
    // again (java-control-plane's SimpleCache does that, a storm). Wait for a change.
    subscription.nack(error.getMessage(), clock.instant());
    counters.rejected(type);
    events.rejected(type.shortName(), proxy.id(), error.getMessage());
    LOG.warn("ADS:{}: ACK ERROR {} {}:{}", type.logName(), id,
        io.grpc.Status.fromCodeValue(error.getCode()).getCode(), error.getMessage());
  }

  private void flushForRequest() {
    answeringRequest = true;
    try {
      flush();
    } finally {
      answeringRequest = false;
    }
  }

  /** Evaluates the changed types in push order, as far as the call takes messages. */
  private void flush() {
    releaseIfWritten();
    for (XdsType type : XdsType.values()) {
      if (closed) {
        return;
      }
      if (!dirty.contains(type)) {
        continue;
      }
      Subscription subscription = subscriptions.get(type);
      if (subscription == null || !subscription.requested) {
        continue; // answered when the proxy asks (or ACKs) again; stays marked
      }
      if (!sender.isReady()) {
        return; // onReady resumes here, with whatever is newest then
      }
      dirty.remove(type);
      try {
        if (!answer(subscription)) {
          dirty.add(type);
          return; // over the send budget: resumed when other streams' bytes have gone out
        }
      } catch (StatusRuntimeException e) {
        // As istiod: a stream going away (UNAVAILABLE, CANCELLED) is normal, anything else is an error.
        Status.Code code = e.getStatus().getCode();
        if (code != Status.Code.UNAVAILABLE && code != Status.Code.CANCELLED) {
          events.sendError(type.shortName());
          LOG.warn("ADS:{}: sending to {} failed: {}", type.logName(), id, e.getStatus());
        }
        return;
      } catch (RuntimeException e) {
        // One bad generation must not end the stream (the proxy would reconnect into it) nor send
        // a part of a push: nothing of this type goes out, and the proxy keeps what it has.
        LOG.error("ADS:{}: not sent to {}: generating it failed: {}", type.logName(), id,
            e.toString());
      }
    }
  }

  /** The transport took the last responses: their bytes leave the send budget. */
  private void releaseIfWritten() {
    if (held > 0 && sender.isReady()) {
      budget.release(held);
      held = 0;
    }
  }

  /** Hands a response to gRPC within the send budget; false (nothing sent) when over it. */
  private boolean send(WireResponse response) {
    if (!budget.tryAcquire(response.length(), resumeWhenBudget)) {
      return false;
    }
    try {
      sender.send(response);
    } catch (RuntimeException e) {
      budget.release(response.length());
      throw e;
    }
    held += response.length();
    releaseIfWritten();
    return true;
  }

  /** @return false if the answer was held back by the send budget (the type stays marked) */
  private boolean answer(Subscription subscription) {
    XdsType type = subscription.type;
    if (subscription.watchesNothing()) {
      return true;
    }
    long start = System.nanoTime();
    ResourceSet current = source.generate(proxy, type, subscription.names);
    subscription.shareNames(current);
    Set<String> hosts = type == XdsType.ENDPOINT ? edsHosts : null;
    Predicate<String> regenerated = hosts == null ? null : name -> hosts.contains(ClusterNames.hostname(name));
    Set<String> forced = type == XdsType.ENDPOINT ? warming : null;
    List<EncodedResource> changes = type == XdsType.CLUSTER ? current.changedSince(subscription.acked) : List.of();
    long bytes = delta
        ? answerDelta(subscription, current, forced, regenerated)
        : answerSotw(subscription, current, subscription.first, forced, regenerated);
    if (bytes == BLOCKED) {
      return false;
    }
    if (type == XdsType.ENDPOINT) {
      edsHosts = null;
    }
    if (bytes < 0) {
      return true;
    }
    if (type == XdsType.CLUSTER) {
      lastClusterChanges = changes.stream().map(EncodedResource::name).collect(java.util.stream.Collectors.toUnmodifiableSet());
      if (!delta) {
        warming = union(warming, lastClusterChanges);
        markAll(XdsType.ENDPOINT);
      }
    } else if (type == XdsType.ENDPOINT) {
      warming = null;
    }
    events.pushed(type.shortName(), type.typeUrl(), Duration.ofNanos(System.nanoTime() - start), bytes);
    return true;
  }

  /**
   * @param regenerated for an endpoints-only push, the names it regenerated (others are taken as
   *     the proxy has them); null: all
   * @return the bytes sent, -1 if nothing needed sending, {@link #BLOCKED} if over the send budget
   */
  private long answerSotw(Subscription subscription, ResourceSet current, boolean sendAll, Set<String> warm,
      Predicate<String> regenerated) {
    List<EncodedResource> resources;
    if (sendAll || warm == ALL) {
      resources = current.resources();
    } else if (warm != null && subscription.type == XdsType.ENDPOINT) {
      resources = withWarming(current, current.changedSince(subscription.acked), warm);
      if (resources.isEmpty()) {
        return -1;
      }
    } else if (subscription.type.wildcard()) {
      if (current.sameAs(subscription.sent)) {
        return -1;
      }
      // CDS and LDS responses always carry the complete set (for proxyless clients: all they named)
      resources = current.resources();
    } else {
      // Respond only when something changed since the last response (a NACKed one included),
      // but send everything the client has not accepted.
      if (only(current.changedSince(subscription.sent), regenerated).isEmpty()) {
        return -1;
      }
      resources = only(current.changedSince(subscription.acked), regenerated);
    }
    String nonce = nextNonce();
    long bytes = bytes(current, resources);
    if (!send(WireResponse.sotw(current.version(), subscription.type.typeUrl(), nonce,
        fields(current, resources, ResourcePart::sotwFields, EncodedResource::sotwField)))) {
      return BLOCKED;
    }
    sent(subscription, current, held(subscription, current, regenerated), nonce, resources.size(), bytes);
    return bytes;
  }

  /** @return the bytes sent, -1 if nothing needed sending, {@link #BLOCKED} if over the send budget */
  private long answerDelta(Subscription subscription, ResourceSet current, Set<String> warm,
      Predicate<String> regenerated) {
    XdsType type = subscription.type;
    boolean changedSinceSent = !only(current.changedSince(subscription.sent), regenerated).isEmpty()
        || (type.wildcard() && !current.removedSince(subscription.sent).isEmpty());
    List<EncodedResource> resources = warm == ALL ? current.resources()
        : warm != null ? withWarming(current, current.changedSince(subscription.acked), warm)
        : only(current.changedSince(subscription.acked), regenerated);
    if (!subscription.first && !changedSinceSent && (warm == null || resources.isEmpty())) {
      return -1;
    }
    List<String> removed = type.wildcard() ? current.removedSince(subscription.acked) : List.of();
    if (!subscription.first && resources.isEmpty() && removed.isEmpty()) {
      return -1;
    }
    String nonce = nextNonce();
    long bytes = bytes(current, resources);
    if (!send(WireResponse.delta(current.version(), type.typeUrl(), nonce,
        fields(current, resources, ResourcePart::deltaFields, EncodedResource::deltaField), removed))) {
      return BLOCKED;
    }
    sent(subscription, current, held(subscription, current, regenerated), nonce, resources.size(), bytes);
    return bytes;
  }

  /**
   * The changed resources plus the warming clusters' assignments, in the set's order: looked up by
   * name when they are few (a cluster added to a thousand), so a proxy's answer does not walk the set.
   */
  private static List<EncodedResource> withWarming(ResourceSet current, List<EncodedResource> changed,
      Set<String> warm) {
    if ((changed.size() + warm.size()) * 8L < current.size()) {
      Map<String, EncodedResource> chosen = new java.util.HashMap<>();
      changed.forEach(r -> chosen.put(r.name(), r));
      for (String name : warm) {
        EncodedResource resource = current.get(name);
        if (resource != null) {
          chosen.put(name, resource);
        }
      }
      List<EncodedResource> resources = new java.util.ArrayList<>(chosen.values());
      resources.sort(current.order());
      return resources;
    }
    Set<String> include = new HashSet<>();
    changed.forEach(r -> include.add(r.name()));
    List<EncodedResource> resources = new java.util.ArrayList<>();
    for (EncodedResource resource : current.resources()) {
      if (include.contains(resource.name()) || warm.contains(resource.name())) {
        resources.add(resource);
      }
    }
    return resources;
  }

  /** The encoded bytes of these resources of {@code current}: the parts' own sums when all of it goes. */
  private static long bytes(ResourceSet current, List<EncodedResource> resources) {
    if (resources.size() == current.size()) {
      return current.bytes();
    }
    long bytes = 0;
    for (EncodedResource resource : resources) {
      bytes += resource.size();
    }
    return bytes;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    if (a == ALL || b == ALL) {
      return ALL;
    }
    if (a == null || a.isEmpty()) {
      return b;
    }
    Set<String> both = new HashSet<>(a);
    both.addAll(b);
    return both;
  }

  /**
   * The encoded response fields of {@code resources}: a whole part's at once when all of it goes
   * (shared by every proxy of the scope), else resource by resource.
   */
  private static List<byte[]> fields(ResourceSet current, List<EncodedResource> resources,
      java.util.function.Function<ResourcePart, byte[]> wholePart,
      java.util.function.Function<EncodedResource, byte[]> one) {
    if (resources.size() == current.size()) {
      return current.parts().stream().map(wholePart).toList();
    }
    return resources.stream().map(one).toList();
  }

  private static List<EncodedResource> only(List<EncodedResource> resources, Predicate<String> regenerated) {
    return regenerated == null ? resources : resources.stream().filter(r -> regenerated.test(r.name())).toList();
  }

  /** Records a response of {@code current} handed to gRPC; {@code holds} is what the proxy has once it takes it. */
  private void sent(Subscription subscription, ResourceSet current, ResourceVersions holds, String nonce, int count,
      long bytes) {
    subscription.sent(holds, current.version(), nonce, clock.instant(), bytes);
    counters.pushed(subscription.type);
    if (answeringRequest) {
      events.pushTrigger(PROXY_REQUEST);
    }
    LOG.debug("ADS:{}: PUSH {} resources:{} version:{} nonce:{}", subscription.type.logName(),
        id, count, current.version(), nonce);
  }

  /**
   * What the proxy holds after a response: the current set, unless an endpoints-only push left out
   * changes of other hostnames, which the proxy still has at their earlier versions.
   */
  private static ResourceVersions held(Subscription subscription, ResourceSet current, Predicate<String> regenerated) {
    if (regenerated == null
        || current.changedSince(subscription.sent).stream().allMatch(r -> regenerated.test(r.name()))) {
      return current;
    }
    return current.overlaying(subscription.sent, regenerated);
  }

  private String nextNonce() {
    return Long.toString(++nonces, 36) + nonceSuffix;
  }
}
