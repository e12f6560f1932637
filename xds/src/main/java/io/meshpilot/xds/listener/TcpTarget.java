package io.meshpilot.xds.listener;

import java.util.List;

/**
 * Where a tcp_proxy sends a connection: one cluster, or weighted clusters (as a VirtualService
 * {@code tcp} or {@code tls} route splits them), with its stat prefix and the VirtualService that
 * chose it ({@code ""} for a service's own chain).
 *
 * @param configPath the VirtualService as istiod names it in filter-chain metadata, or {@code ""}
 */
record TcpTarget(String statPrefix, List<Weighted> clusters, String configPath) {
  /** A cluster and its weight (ignored when it is the only one). */
  record Weighted(String cluster, int weight) {}

  TcpTarget {
    clusters = List.copyOf(clusters);
    if (clusters.isEmpty()) {
      throw new IllegalArgumentException("a TCP target needs a cluster");
    }
  }

  /** A service port's own chain: its cluster, which is also the stat prefix. */
  static TcpTarget cluster(String cluster) {
    return new TcpTarget(cluster, List.of(new Weighted(cluster, 0)), "");
  }

  boolean weighted() {
    return clusters.size() > 1;
  }

  /** The first cluster: the one conflicts are reported by. */
  String cluster() {
    return clusters.get(0).cluster();
  }
}
