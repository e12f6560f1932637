package io.meshpilot.xds.server;

import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.controlplane.cache.WatchCancelledException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * One Delta (incremental) type on one connection: per-resource versions the client was sent, and
 * the parked watch a later push may answer. Not thread-safe: {@link ProxyConnection} serialises
 * access.
 */
final class DeltaSubscription {
  private static final String WILDCARD = "*";

  private final XdsType type;
  private final TypeGenerator generator;
  // What the client was sent (including NACKed content), so a NACK is not answered by a resend.
  private final SortedMap<String, String> sent = new TreeMap<>();
  // What the client last accepted: after a NACK the next response must carry everything that
  // differs from this, not just what changed since the rejected response.
  private final SortedMap<String, String> acked = new TreeMap<>();
  private Set<String> names = Set.of();
  private DeltaWatch parked;
  private boolean requested;
  private long lastResponseBytes;

  DeltaSubscription(XdsType type, TypeGenerator generator) {
    this.type = type;
    this.generator = generator;
  }

  /**
   * Handles a request; java-control-plane calls this only when no response is awaiting an ACK.
   *
   * @param sendAll answer with every subscribed resource (forced EDS after CDS)
   * @return true if the watch was answered
   */
  boolean onRequest(DeltaWatch watch, boolean sendAll) {
    DeltaXdsRequest request = watch.request();
    boolean first = !requested;
    requested = true;
    parked = watch;
    if (first) {
      // A reconnecting client says what it has; versions are content hashes, so equal ones match
      // across restarts and replicas, and names we no longer generate get removed.
      sent.putAll(request.getInitialResourceVersionsMap());
      acked.putAll(request.getInitialResourceVersionsMap());
    } else if (!request.hasErrorDetail()) {
      acked.clear();
      acked.putAll(sent); // an ACK of the last response
    }
    if (!type.wildcard()) {
      Set<String> subscribed = new HashSet<>(watch.trackedResources().keySet());
      subscribed.addAll(watch.pendingResources());
      subscribed.remove(WILDCARD);
      names = Set.copyOf(subscribed);
      sent.keySet().retainAll(names);
      acked.keySet().retainAll(names);
    }
    if (request.hasErrorDetail()) {
      return false;
    }
    if (!type.wildcard() && names.isEmpty()) {
      return false;
    }
    return respond(generator.generate(names), first, sendAll);
  }

  /**
   * Brings a parked watch up to date after a push.
   *
   * @param regenerate names to regenerate (null: all); others are taken as unchanged
   * @param sendAll send every subscribed resource, changed or not
   */
  boolean onPush(Predicate<String> regenerate, boolean sendAll) {
    if (parked == null || (!type.wildcard() && names.isEmpty())) {
      return false;
    }
    if (regenerate == null || type.wildcard()) {
      return respond(generator.generate(names), false, sendAll);
    }
    Set<String> fresh = new HashSet<>();
    for (String name : names) {
      if (regenerate.test(name) || !sent.containsKey(name)) {
        fresh.add(name);
      }
    }
    return !fresh.isEmpty() && respond(generator.generate(fresh), false, false);
  }

  /** True while a watch waits for a push. */
  boolean waiting() {
    return parked != null;
  }

  /** Serialized size of the resources in the last response sent ({@code pilot_xds_config_size_bytes}). */
  long lastResponseBytes() {
    return lastResponseBytes;
  }

  private boolean respond(ResourceSet current, boolean evenIfEmpty, boolean sendAll) {
    // Respond only when something changed since the last response (a NACKed one included, so a
    // rejection is not answered by a resend) ...
    boolean changedSinceSent = !current.changedSince(sent).isEmpty() || !removedSince(sent, current).isEmpty();
    if (!evenIfEmpty && !sendAll && !changedSinceSent) {
      return false;
    }
    // ... but send everything that differs from what the client accepted.
    SortedMap<String, Message> toSend = sendAll ? current.resources() : current.changedSince(acked);
    List<String> removed = removedSince(acked, current);
    if (!evenIfEmpty && toSend.isEmpty() && removed.isEmpty()) {
      return false;
    }
    Map<String, VersionedResource<?>> resources = new LinkedHashMap<>();
    toSend.forEach((name, message) ->
        resources.put(name, VersionedResource.create(message, current.versions().get(name))));
    SortedMap<String, String> after = new TreeMap<>(acked);
    toSend.keySet().forEach(name -> after.put(name, current.versions().get(name)));
    removed.forEach(after::remove);
    String systemVersion = ContentHash.ofSet(after);
    try {
      parked.respond(DeltaResponse.create(parked.request(), resources, removed, systemVersion));
    } catch (WatchCancelledException e) {
      parked = null;
      return false;
    }
    parked = null;
    sent.clear();
    sent.putAll(after);
    lastResponseBytes = toSend.values().stream().mapToLong(Message::getSerializedSize).sum();
    return true;
  }

  /** Wildcard types: names the client has (per {@code known}) that are no longer generated. */
  private List<String> removedSince(SortedMap<String, String> known, ResourceSet current) {
    List<String> removed = new ArrayList<>();
    if (type.wildcard()) {
      for (String name : known.keySet()) {
        if (!current.versions().containsKey(name)) {
          removed.add(name);
        }
      }
    }
    return removed;
  }
}
