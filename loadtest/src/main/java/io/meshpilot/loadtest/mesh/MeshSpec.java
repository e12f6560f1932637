package io.meshpilot.loadtest.mesh;

/**
 * The shape of a generated mesh: how many Services, spread over how many namespaces, each with how
 * many ready endpoints.
 *
 * @param services number of Services, each a ClusterIP Service with one {@code http} port 8080
 * @param namespaces the services are dealt round-robin over this many namespaces
 * @param endpointsPerService ready addresses in each Service's EndpointSlice
 */
public record MeshSpec(int services, int namespaces, int endpointsPerService) {
  /** Addresses come from fixed /16-sized ranges (see {@link MeshAddresses}); this keeps them apart. */
  static final int MAX_ADDRESSES = 1 << 16;

  public MeshSpec {
    if (services < 1 || namespaces < 1 || endpointsPerService < 1) {
      throw new IllegalArgumentException("services, namespaces and endpoints must be at least 1");
    }
    if ((long) services + 1 >= MAX_ADDRESSES || (long) (services + 1) * endpointsPerService >= MAX_ADDRESSES) {
      throw new IllegalArgumentException("at most " + (MAX_ADDRESSES - 2) + " services and service endpoints");
    }
  }

  /** 1,000 Services × 3 ready endpoints over 10 namespaces: the scale issue 11 measures. */
  public static MeshSpec defaults() {
    return new MeshSpec(1000, 10, 3);
  }
}
