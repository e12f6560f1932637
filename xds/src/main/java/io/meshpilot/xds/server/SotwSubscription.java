package io.meshpilot.xds.server;

import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.WatchCancelledException;
import io.envoyproxy.controlplane.cache.XdsRequest;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * One state-of-the-world type on one connection: what the client was sent, and the parked watch
 * that a later push may answer. Not thread-safe: {@link ProxyConnection} serialises access.
 *
 * <p>CDS and LDS responses always carry the complete set. For Envoy that set ignores the requested
 * names; proxyless gRPC clients ask for LDS and CDS by name, so for them the set is what they
 * named, and everything only when they name nothing (istio-xds.md §5.1, §6.8).
 */
final class SotwSubscription {
  private final XdsType type;
  private final TypeGenerator generator;
  private final boolean namedComplete;
  // Whether the current request's names select what is generated (always for EDS and RDS).
  private boolean named;
  private final SortedMap<String, String> sent = new TreeMap<>();
  private Set<String> names = Set.of();
  // What the client last accepted: after a NACK the next response must carry everything that
  // differs from this, not just what changed since the rejected response.
  private final SortedMap<String, String> acked = new TreeMap<>();
  private Watch parked;
  private String versionSent = "";
  private String rejectedVersion = "";
  private boolean requested;
  private long lastResponseBytes;

  /**
   * @param namedComplete the client asks for CDS and LDS by name (proxyless gRPC)
   */
  SotwSubscription(XdsType type, TypeGenerator generator, boolean namedComplete) {
    this.type = type;
    this.generator = generator;
    this.namedComplete = namedComplete;
    this.named = !type.wildcard();
  }

  /**
   * Handles a request (the server has already dropped stale nonces).
   *
   * @param sendAll answer with every requested resource even if the client seems to have them
   *     (EDS after a CDS update, so re-warming clusters get their endpoints)
   * @return true if the watch was answered
   */
  boolean onRequest(Watch watch, boolean sendAll) {
    XdsRequest request = watch.request();
    boolean first = !requested;
    requested = true;
    parked = watch;
    if (!first && !request.hasErrorDetail()) {
      acked.clear();
      acked.putAll(sent); // an ACK (or a re-subscription, which implies one) of the last response
    }
    Set<String> requested = Set.copyOf(request.getResourceNamesList());
    named = !type.wildcard() || (namedComplete && !requested.isEmpty());
    names = named ? requested : Set.of();
    if (named) {
      sent.keySet().retainAll(names);
      acked.keySet().retainAll(names);
    }
    if (request.hasErrorDetail()) {
      // NACK: the client keeps its last good config; resending the same content would only be
      // rejected again (java-control-plane's SimpleCache does that, a storm). Wait for a change.
      rejectedVersion = versionSent;
      return false;
    }
    if (named && names.isEmpty()) {
      return false;
    }
    ResourceSet current = generator.generate(names);
    String version = current.version();
    boolean clientDiffers =
        !request.getVersionInfo().equals(version) && !version.equals(rejectedVersion);
    return respond(current, first || sendAll || clientDiffers);
  }

  /**
   * Brings a parked watch up to date after a push.
   *
   * @param regenerate the names to regenerate (null: all); others are taken as unchanged
   * @param sendAll send every resource, changed or not
   * @return true if the watch was answered
   */
  boolean onPush(Predicate<String> regenerate, boolean sendAll) {
    if (parked == null || (named && names.isEmpty())) {
      return false;
    }
    ResourceSet current;
    if (regenerate == null || type.wildcard()) {
      current = generator.generate(names);
    } else {
      Set<String> fresh = new HashSet<>();
      SortedMap<String, String> unchanged = new TreeMap<>();
      for (String name : names) {
        if (regenerate.test(name) || !sent.containsKey(name)) {
          fresh.add(name);
        } else {
          unchanged.put(name, sent.get(name));
        }
      }
      if (fresh.isEmpty()) {
        return false;
      }
      current = generator.generate(fresh).withUnchanged(unchanged);
      sendAll = false;
    }
    return respond(current, sendAll);
  }

  /** True while a watch waits for a push. */
  boolean waiting() {
    return parked != null;
  }

  /** Serialized size of the resources in the last response sent ({@code pilot_xds_config_size_bytes}). */
  long lastResponseBytes() {
    return lastResponseBytes;
  }

  private boolean respond(ResourceSet current, boolean sendAll) {
    Collection<Message> resources;
    if (sendAll) {
      resources = current.resources().values();
    } else if (type.wildcard()) {
      if (current.versions().equals(sent)) {
        return false;
      }
      resources = current.resources().values();
    } else {
      // Respond only when something changed since the last response (a NACKed one included, so
      // a rejection is not answered by a resend), but send everything the client has not accepted.
      if (current.changedSince(sent).isEmpty()) {
        return false;
      }
      resources = current.changedSince(acked).values();
    }
    String version = current.version();
    try {
      parked.respond(Response.create(parked.request(), resources, version));
    } catch (WatchCancelledException e) {
      // A newer request replaced this watch; that request is answered on its own.
      parked = null;
      return false;
    }
    parked = null;
    if (type.wildcard()) {
      sent.clear();
    }
    for (Message resource : resources) {
      String name = Resources.getResourceName(resource);
      sent.put(name, current.versions().get(name));
    }
    versionSent = version;
    lastResponseBytes = resources.stream().mapToLong(Message::getSerializedSize).sum();
    return true;
  }
}
