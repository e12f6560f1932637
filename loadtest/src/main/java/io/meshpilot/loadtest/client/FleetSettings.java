package io.meshpilot.loadtest.client;

/**
 * How a fleet of simulated sidecars connects.
 *
 * @param host the xDS server's address (the load test uses 127.0.0.1)
 * @param port its plaintext xDS port
 * @param proxies how many sidecars
 * @param namespaces their pods are dealt round-robin over this many of the mesh's namespaces
 * @param connectsPerSecond the rate at which sidecars open their streams
 * @param delta Delta ADS instead of state of the world
 * @param backoff wait between a sidecar's reconnects
 * @param maxRetries consecutive failed streams after which a sidecar gives up for good
 */
public record FleetSettings(String host, int port, int proxies, int namespaces, double connectsPerSecond,
    boolean delta, Backoff backoff, int maxRetries) {
  public FleetSettings {
    if (proxies < 1 || namespaces < 1 || connectsPerSecond <= 0 || maxRetries < 0) {
      throw new IllegalArgumentException("proxies, namespaces and rate must be positive, retries not negative");
    }
  }
}
