package io.meshpilot.loadtest.client;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Code;
import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * State-of-the-world ADS in Envoy's order: wildcard CDS; on CDS, ACK and ask EDS for the EDS
 * clusters; once endpoints arrive (clusters warmed), wildcard LDS; on LDS, ACK and ask RDS for the
 * listeners' route names; ACK everything. Every request carries the type's full subscription, last
 * accepted version and last nonce, as Envoy's SotW requests do.
 */
final class SotwSession implements AdsSession<DiscoveryRequest, DiscoveryResponse> {
  private final Node node;
  private final ProxyView view;
  private boolean nodeSent;
  private int nacks;

  SotwSession(Node node, ProxyView view) {
    this.node = node;
    this.view = view;
  }

  @Override
  public ProxyView view() {
    return view;
  }

  @Override
  public int nacks() {
    return nacks;
  }

  @Override
  public List<DiscoveryRequest> open() {
    boolean hadListeners = !view.type(ResourceType.LISTENER).version.isEmpty();
    view.resetStream();
    nodeSent = false;
    List<DiscoveryRequest> out = new ArrayList<>();
    out.add(request(ResourceType.CLUSTER, Set.of()));
    // a reconnecting Envoy re-sends all its subscriptions at once
    if (!view.edsClusters().isEmpty()) {
      out.add(request(ResourceType.ENDPOINT, view.edsClusters()));
    }
    if (hadListeners) {
      out.add(request(ResourceType.LISTENER, Set.of()));
    }
    if (!view.routeNames().isEmpty()) {
      out.add(request(ResourceType.ROUTE, view.routeNames()));
    }
    return out;
  }

  @Override
  public List<DiscoveryRequest> onResponse(DiscoveryResponse response) {
    Optional<ResourceType> type = ResourceType.ofTypeUrl(response.getTypeUrl());
    if (type.isEmpty()) {
      return List.of(); // not something a sidecar subscribed to
    }
    ProxyView.TypeState state = view.type(type.get());
    List<DiscoveryRequest> out = new ArrayList<>();
    try {
      apply(type.get(), response.getResourcesList());
    } catch (InvalidProtocolBufferException e) {
      nacks++;
      state.nonce = response.getNonce();
      out.add(request(type.get(), state.subscribed).toBuilder()
          .setErrorDetail(Status.newBuilder().setCode(Code.INVALID_ARGUMENT_VALUE).setMessage(e.getMessage())).build());
      return out;
    }
    state.version = response.getVersionInfo();
    state.nonce = response.getNonce();
    state.received = true;
    state.acked = true;
    out.add(request(type.get(), state.subscribed));
    switch (type.get()) {
      case CLUSTER -> {
        subscribeIfChanged(ResourceType.ENDPOINT, view.edsClusters(), out);
        if (view.edsClusters().isEmpty()) {
          requestListenersOnce(out);
        }
      }
      case ENDPOINT -> requestListenersOnce(out);
      case LISTENER -> subscribeIfChanged(ResourceType.ROUTE, view.routeNames(), out);
      case ROUTE -> { }
    }
    return out;
  }

  private void apply(ResourceType type, List<Any> resources) throws InvalidProtocolBufferException {
    switch (type) {
      case CLUSTER -> {
        Set<String> all = new HashSet<>();
        Set<String> eds = new HashSet<>();
        for (Any any : resources) {
          Resources.ClusterInfo cluster = Resources.cluster(any);
          all.add(cluster.name());
          if (cluster.eds()) {
            eds.add(cluster.name());
          }
        }
        view.replaceClusters(all, eds);
      }
      case ENDPOINT -> {
        for (Any any : resources) {
          Resources.EndpointInfo cla = Resources.endpoints(any);
          view.putEndpoints(cla.cluster(), cla.addresses());
        }
      }
      case LISTENER -> {
        Map<String, Set<String>> listeners = new HashMap<>();
        for (Any any : resources) {
          Resources.ListenerInfo listener = Resources.listener(any);
          listeners.put(listener.name(), listener.routeNames());
        }
        view.replaceListeners(listeners);
      }
      case ROUTE -> { } // nothing kept: the route names are known from the listeners
    }
  }

  private void subscribeIfChanged(ResourceType type, Set<String> names, List<DiscoveryRequest> out) {
    ProxyView.TypeState state = view.type(type);
    if (names.isEmpty() && !state.requested) {
      return;
    }
    if (!state.requested || !state.subscribed.equals(names)) {
      out.add(request(type, names));
    }
  }

  private void requestListenersOnce(List<DiscoveryRequest> out) {
    if (!view.type(ResourceType.LISTENER).requested) {
      out.add(request(ResourceType.LISTENER, Set.of()));
    }
  }

  /**
   * The names sorted and UTF-8 encoded once per (interned) set: every ACK repeats every name, and
   * thousands of sidecars share the same sets.
   */
  private static List<ByteString> sortedNames(Set<String> names) {
    return SORTED_NAMES.computeIfAbsent(new Identity(names),
        k -> new TreeSet<>(names).stream().map(ByteString::copyFromUtf8).toList());
  }

  // A run interns a handful of distinct sets per namespace and change, so this stays small.
  private static final Map<Identity, List<ByteString>> SORTED_NAMES =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** A set compared by identity (the interned sets are shared; their deep equality is not needed). */
  private record Identity(Set<String> set) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Identity identity && identity.set == set;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(set);
    }
  }

  private DiscoveryRequest request(ResourceType type, Set<String> names) {
    ProxyView.TypeState state = view.type(type);
    state.requested = true;
    state.subscribed = names;
    DiscoveryRequest.Builder request = DiscoveryRequest.newBuilder()
        .setTypeUrl(type.typeUrl())
        .setVersionInfo(state.version)
        .setResponseNonce(state.nonce);
    sortedNames(names).forEach(request::addResourceNamesBytes);
    if (!nodeSent) {
      request.setNode(node); // Istio's bootstrap sets set_node_on_first_message_only
      nodeSent = true;
    }
    return request.build();
  }
}
