package io.meshpilot.xds.server;

import java.util.HashSet;
import java.util.Set;

/**
 * What a push must bring up to date on each connected proxy.
 *
 * @param full true to regenerate every type (CDS, EDS, LDS, RDS in that order); false for an
 *     endpoints-only push
 * @param edsHostnames for an endpoints-only push, the service hostnames whose endpoints changed
 *     (ignored for a full push)
 */
public record PushRequest(boolean full, Set<String> edsHostnames) {
  public PushRequest {
    edsHostnames = Set.copyOf(edsHostnames);
  }

  /** A push of every type. */
  public static PushRequest fullPush() {
    return new PushRequest(true, Set.of());
  }

  /** A push of the endpoints of these service hostnames only. */
  public static PushRequest endpoints(Set<String> hostnames) {
    return new PushRequest(false, hostnames);
  }

  /** One request that does the work of both: full wins, hostnames are joined. */
  public PushRequest merge(PushRequest other) {
    if (full || other.full) {
      return fullPush();
    }
    Set<String> hosts = new HashSet<>(edsHostnames);
    hosts.addAll(other.edsHostnames);
    return endpoints(hosts);
  }
}
