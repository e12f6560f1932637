package io.meshpilot.xds.server;

import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a push must bring up to date on each connected proxy, and why.
 *
 * @param full true to regenerate every type (CDS, EDS, LDS, RDS in that order); false for an
 *     endpoints-only push
 * @param edsHostnames for an endpoints-only push, the service hostnames whose endpoints changed
 *     (ignored for a full push)
 * @param reasons istiod's trigger names ({@code endpoint}, {@code service}, {@code global}, ...)
 *     with how many requests of each were merged into this one ({@code pilot_push_triggers})
 */
public record PushRequest(boolean full, Set<String> edsHostnames, Map<String, Integer> reasons) {
  /** Trigger of an endpoints-only push. */
  public static final String ENDPOINT = "endpoint";
  /** Trigger of a push after services changed. */
  public static final String SERVICE = "service";
  /** Trigger of a push of everything to everyone (istiod's GlobalUpdate). */
  public static final String GLOBAL = "global";

  public PushRequest {
    edsHostnames = Set.copyOf(edsHostnames);
    reasons = Collections.unmodifiableMap(new TreeMap<>(reasons)); // sorted, for logs and debug views
  }

  /** A push of every type, for istiod's {@code global} reason. */
  public static PushRequest fullPush() {
    return fullPush(GLOBAL);
  }

  /** A push of every type, for this trigger reason. */
  public static PushRequest fullPush(String reason) {
    return new PushRequest(true, Set.of(), Map.of(reason, 1));
  }

  /** A push of the endpoints of these service hostnames only ({@code endpoint} reason). */
  public static PushRequest endpoints(Set<String> hostnames) {
    return new PushRequest(false, hostnames, Map.of(ENDPOINT, 1));
  }

  /** One request that does the work of both: full wins, hostnames are joined, reasons added up. */
  public PushRequest merge(PushRequest other) {
    Map<String, Integer> mergedReasons = new TreeMap<>(reasons);
    other.reasons.forEach((reason, count) -> mergedReasons.merge(reason, count, Integer::sum));
    if (full || other.full) {
      return new PushRequest(true, Set.of(), mergedReasons);
    }
    Set<String> hosts = new HashSet<>(edsHostnames);
    hosts.addAll(other.edsHostnames);
    return new PushRequest(false, hosts, mergedReasons);
  }
}
