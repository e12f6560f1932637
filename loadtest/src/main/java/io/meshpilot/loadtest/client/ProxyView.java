package io.meshpilot.loadtest.client;

import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one simulated sidecar keeps of its config, and no more: cluster names (and which are EDS),
 * endpoint addresses per cluster, route names per listener, and per type what was last received and
 * ACKed. Confined to the sidecar's stream callbacks; the phases read it only through
 * {@link ViewWatch} predicates evaluated on those callbacks.
 */
public final class ProxyView {
  private final Interner interner;
  private Set<String> clusters = Set.of();
  private Set<String> edsClusters = Set.of();
  private final Map<String, Set<String>> endpoints = new HashMap<>();
  private final Map<String, Set<String>> routesByListener = new HashMap<>();
  private final EnumMap<ResourceType, TypeState> types = new EnumMap<>(ResourceType.class);

  ProxyView(Interner interner) {
    this.interner = interner;
    for (ResourceType type : ResourceType.values()) {
      types.put(type, new TypeState());
    }
  }

  /** Every cluster name from CDS. */
  public Set<String> clusters() {
    return clusters;
  }

  /** The names of the EDS clusters, which the sidecar subscribes to for endpoints. */
  public Set<String> edsClusters() {
    return edsClusters;
  }

  /** The endpoint addresses ({@code ip:port}) of a cluster's last ClusterLoadAssignment. */
  public Set<String> endpoints(String cluster) {
    return endpoints.getOrDefault(cluster, Set.of());
  }

  /** The route configuration names the listeners refer to (RDS subscriptions), sorted. */
  public Set<String> routeNames() {
    Set<String> names = new TreeSet<>();
    routesByListener.values().forEach(names::addAll);
    return names;
  }

  /**
   * Synced: every type received and ACKed. EDS and RDS count as synced when there is nothing to
   * subscribe to, as Envoy then never asks.
   */
  public boolean synced() {
    return done(ResourceType.CLUSTER) && (done(ResourceType.ENDPOINT) || edsClusters.isEmpty())
        && done(ResourceType.LISTENER) && (done(ResourceType.ROUTE) || routeNames().isEmpty());
  }

  private boolean done(ResourceType type) {
    TypeState state = types.get(type);
    return state.received && state.acked;
  }

  TypeState type(ResourceType type) {
    return types.get(type);
  }

  /**
   * A new stream: nonces and subscriptions are per stream, and it syncs afresh; versions and content
   * are kept, as Envoy keeps them.
   */
  void resetStream() {
    types.values().forEach(t -> {
      t.nonce = "";
      t.subscribed = Set.of();
      t.requested = false;
      t.received = false;
      t.acked = false;
    });
  }

  /** Adds or updates some clusters and removes others (a delta CDS response). */
  void updateClusters(Map<String, Boolean> upserts, Collection<String> removed) {
    Set<String> nextClusters = new HashSet<>(clusters);
    Set<String> nextEds = new HashSet<>(edsClusters);
    upserts.forEach((name, eds) -> {
      nextClusters.add(name);
      if (eds) {
        nextEds.add(name);
      } else {
        nextEds.remove(name);
      }
    });
    nextClusters.removeAll(removed);
    nextEds.removeAll(removed);
    replaceClusters(nextClusters, nextEds);
  }

  /** Replaces all clusters (a SotW CDS response). */
  void replaceClusters(Set<String> all, Set<String> eds) {
    clusters = interner.intern(all);
    edsClusters = interner.intern(eds);
    endpoints.keySet().retainAll(edsClusters);
  }

  void putEndpoints(String cluster, Set<String> addresses) {
    endpoints.put(interner.intern(cluster), interner.intern(addresses));
  }

  void removeEndpoints(String cluster) {
    endpoints.remove(cluster);
  }

  void putListener(String name, Set<String> routeNames) {
    routesByListener.put(interner.intern(name), interner.intern(routeNames));
  }

  /** Replaces all listeners (a SotW LDS response). */
  void replaceListeners(Map<String, Set<String>> all) {
    routesByListener.clear();
    all.forEach(this::putListener);
  }

  void removeListener(String name) {
    routesByListener.remove(name);
  }

  /** Per type, per stream: what was requested, last received and whether it was ACKed. */
  static final class TypeState {
    String version = "";
    String nonce = "";
    Set<String> subscribed = Set.of();
    boolean requested;
    boolean received;
    boolean acked;
  }
}
