package io.meshpilot.loadtest.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Code;
import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Delta (incremental) ADS in Envoy's order: wildcard CDS; on CDS, ACK by nonce and subscribe EDS to
 * the EDS clusters that appeared (unsubscribe those that went); once endpoints arrive, wildcard LDS;
 * on LDS, ACK and subscribe RDS to the new route names. {@code removed_resources} remove what they
 * name. Wildcard types are requested with an empty subscribe list, Envoy's legacy wildcard form that
 * istiod accepts.
 */
final class DeltaSession implements AdsSession<DeltaDiscoveryRequest, DeltaDiscoveryResponse> {
  private final Node node;
  private final ProxyView view;
  private boolean nodeSent;
  private int nacks;

  DeltaSession(Node node, ProxyView view) {
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
  public List<DeltaDiscoveryRequest> open() {
    boolean hadListeners = !view.type(ResourceType.LISTENER).version.isEmpty();
    view.resetStream();
    nodeSent = false;
    List<DeltaDiscoveryRequest> out = new ArrayList<>();
    out.add(subscribe(ResourceType.CLUSTER, Set.of(), Set.of()));
    resubscribe(ResourceType.ENDPOINT, view.edsClusters(), out);
    if (hadListeners) {
      out.add(subscribe(ResourceType.LISTENER, Set.of(), Set.of()));
    }
    resubscribe(ResourceType.ROUTE, view.routeNames(), out);
    return out;
  }

  @Override
  public List<DeltaDiscoveryRequest> onResponse(DeltaDiscoveryResponse response) {
    Optional<ResourceType> type = ResourceType.ofTypeUrl(response.getTypeUrl());
    if (type.isEmpty()) {
      return List.of();
    }
    ProxyView.TypeState state = view.type(type.get());
    List<DeltaDiscoveryRequest> out = new ArrayList<>();
    DeltaDiscoveryRequest.Builder ack = DeltaDiscoveryRequest.newBuilder()
        .setTypeUrl(type.get().typeUrl())
        .setResponseNonce(response.getNonce());
    try {
      apply(type.get(), response);
    } catch (InvalidProtocolBufferException e) {
      nacks++;
      out.add(ack.setErrorDetail(Status.newBuilder().setCode(Code.INVALID_ARGUMENT_VALUE).setMessage(e.getMessage()))
          .build());
      return out;
    }
    state.version = response.getSystemVersionInfo().isEmpty() ? response.getNonce() : response.getSystemVersionInfo();
    state.nonce = response.getNonce();
    state.received = true;
    state.acked = true;
    out.add(ack.build());
    switch (type.get()) {
      case CLUSTER -> {
        resubscribe(ResourceType.ENDPOINT, view.edsClusters(), out);
        if (view.edsClusters().isEmpty()) {
          requestListenersOnce(out);
        }
      }
      case ENDPOINT -> requestListenersOnce(out);
      case LISTENER -> resubscribe(ResourceType.ROUTE, view.routeNames(), out);
      case ROUTE -> { }
    }
    return out;
  }

  private void apply(ResourceType type, DeltaDiscoveryResponse response) throws InvalidProtocolBufferException {
    List<String> removed = response.getRemovedResourcesList();
    switch (type) {
      case CLUSTER -> {
        Map<String, Boolean> upserts = new HashMap<>();
        for (Resource resource : response.getResourcesList()) {
          Resources.ClusterInfo cluster = Resources.cluster(resource.getResource());
          upserts.put(cluster.name(), cluster.eds());
        }
        view.updateClusters(upserts, removed);
      }
      case ENDPOINT -> {
        for (Resource resource : response.getResourcesList()) {
          Resources.EndpointInfo cla = Resources.endpoints(resource.getResource());
          view.putEndpoints(cla.cluster(), cla.addresses());
        }
        removed.forEach(view::removeEndpoints);
      }
      case LISTENER -> {
        for (Resource resource : response.getResourcesList()) {
          Resources.ListenerInfo listener = Resources.listener(resource.getResource());
          view.putListener(listener.name(), listener.routeNames());
        }
        removed.forEach(view::removeListener);
      }
      case ROUTE -> { }
    }
  }

  /** Subscribes to names not yet subscribed and unsubscribes from those no longer wanted. */
  private void resubscribe(ResourceType type, Set<String> wanted, List<DeltaDiscoveryRequest> out) {
    ProxyView.TypeState state = view.type(type);
    Set<String> added = new HashSet<>(wanted);
    added.removeAll(state.subscribed);
    Set<String> gone = new HashSet<>(state.subscribed);
    gone.removeAll(wanted);
    if (!added.isEmpty() || !gone.isEmpty()) {
      out.add(subscribe(type, added, gone));
      state.subscribed = Set.copyOf(wanted);
    }
  }

  private void requestListenersOnce(List<DeltaDiscoveryRequest> out) {
    if (!view.type(ResourceType.LISTENER).requested) {
      out.add(subscribe(ResourceType.LISTENER, Set.of(), Set.of()));
    }
  }

  private DeltaDiscoveryRequest subscribe(ResourceType type, Set<String> add, Set<String> remove) {
    ProxyView.TypeState state = view.type(type);
    state.requested = true;
    DeltaDiscoveryRequest.Builder request = DeltaDiscoveryRequest.newBuilder()
        .setTypeUrl(type.typeUrl())
        .addAllResourceNamesSubscribe(add)
        .addAllResourceNamesUnsubscribe(remove);
    if (!nodeSent) {
      request.setNode(node);
      nodeSent = true;
    }
    return request.build();
  }
}
