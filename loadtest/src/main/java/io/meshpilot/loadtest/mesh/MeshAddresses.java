package io.meshpilot.loadtest.mesh;

/**
 * IPv4 ranges of a generated mesh, kept apart so no address means two things: Service VIPs from
 * 10.96.1.1 (inside Kubernetes' default service range, past the {@code kubernetes} Service's
 * 10.96.0.1 and kube-dns's 10.96.0.10 that an API server allocates itself), endpoint (pod) addresses from 10.244.0.0, addresses
 * added during the run from 10.250.0.0 and the simulated sidecars' own pod IPs from 10.200.0.0.
 */
public final class MeshAddresses {
  private static final int SERVICE_BASE = ipv4(10, 96, 1, 0);
  private static final int ENDPOINT_BASE = ipv4(10, 244, 0, 0);
  private static final int ADDED_BASE = ipv4(10, 250, 0, 0);
  private static final int SIDECAR_BASE = ipv4(10, 200, 0, 0);

  private MeshAddresses() {}

  /** The ClusterIP of the {@code index}-th Service (0-based). */
  public static String serviceVip(int index) {
    return format(SERVICE_BASE + index + 1);
  }

  /** The {@code endpoint}-th ready address of the {@code service}-th Service. */
  public static String endpoint(int service, int endpoint, int endpointsPerService) {
    return format(ENDPOINT_BASE + service * endpointsPerService + endpoint + 1);
  }

  /** The {@code n}-th address added while the load test runs. */
  public static String added(int n) {
    return format(ADDED_BASE + n + 1);
  }

  /** The pod IP of the {@code index}-th simulated sidecar (up to 2^16 of them). */
  public static String sidecar(int index) {
    if (index < 0 || index >= MeshSpec.MAX_ADDRESSES - 1) {
      throw new IllegalArgumentException("sidecar index out of range: " + index);
    }
    return format(SIDECAR_BASE + index + 1);
  }

  private static int ipv4(int a, int b, int c, int d) {
    return a << 24 | b << 16 | c << 8 | d;
  }

  private static String format(int ip) {
    return (ip >>> 24) + "." + (ip >>> 16 & 0xff) + "." + (ip >>> 8 & 0xff) + "." + (ip & 0xff);
  }
}
