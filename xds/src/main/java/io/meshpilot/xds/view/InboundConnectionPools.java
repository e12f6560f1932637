package io.meshpilot.xds.view;

import io.meshpilot.registry.networking.DestinationRule.ConnectionPoolSettings;
import io.meshpilot.registry.networking.Sidecar;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The connection pools a Sidecar sets on its proxies' {@code inbound|<port>||} clusters (istiod's
 * InboundConnectionPoolForPort): an ingress listener's {@code connectionPool} for its port, else
 * the Sidecar's {@code inboundConnectionPool}. Either replaces the connection pool the service's
 * DestinationRule would lend the cluster. Compared by value, so it can key the clusters built from it.
 *
 * @param byPort the ingress listeners' pools by port number (the first listener of a port with one)
 * @param fallback {@code inboundConnectionPool}, for every other port
 */
public record InboundConnectionPools(Map<Integer, ConnectionPoolSettings> byPort,
    Optional<ConnectionPoolSettings> fallback) {
  /** A scope without a Sidecar, or one that sets no pool. */
  public static final InboundConnectionPools NONE = new InboundConnectionPools(Map.of(), Optional.empty());

  public InboundConnectionPools {
    byPort = Map.copyOf(byPort);
  }

  /** The pools of this Sidecar. */
  public static InboundConnectionPools of(Sidecar sidecar) {
    Map<Integer, ConnectionPoolSettings> byPort = new LinkedHashMap<>();
    for (Sidecar.IngressListener listener : sidecar.ingress()) {
      if (listener.port() != null && listener.port().number() != null && listener.connectionPool() != null) {
        byPort.putIfAbsent(listener.port().number(), listener.connectionPool());
      }
    }
    if (byPort.isEmpty() && sidecar.inboundConnectionPool() == null) {
      return NONE;
    }
    return new InboundConnectionPools(byPort, Optional.ofNullable(sidecar.inboundConnectionPool()));
  }

  /** The pool the Sidecar sets for the inbound cluster of this port, if any. */
  public Optional<ConnectionPoolSettings> forPort(int port) {
    ConnectionPoolSettings own = byPort.get(port);
    return own != null ? Optional.of(own) : fallback;
  }
}
