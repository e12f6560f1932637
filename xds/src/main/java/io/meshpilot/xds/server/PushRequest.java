package io.meshpilot.xds.server;

import io.meshpilot.registry.ObjectKey;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a push must bring up to date, for whom, and why.
 *
 * @param full true to regenerate every type (CDS, EDS, LDS, RDS in that order); false for an
 *     endpoints-only push
 * @param global true when every proxy is pushed whatever it can see (istiod's forced push)
 * @param serviceHostnames for a full push that is not global: the hostnames whose services
 *     changed; only proxies that can (or could) see one are pushed
 * @param edsHostnames the hostnames whose endpoints changed; proxies that can see one are pushed
 * @param configs for a full push that is not global: the Istio configs (Sidecar, DestinationRule,
 *     VirtualService) added, updated or removed; each reaches the proxies that depend on it
 * @param reasons istiod's trigger names ({@code endpoint}, {@code service}, {@code global}, ...)
 *     with how many requests of each were merged into this one ({@code pilot_push_triggers})
 */
public record PushRequest(boolean full, boolean global, Set<String> serviceHostnames, Set<String> edsHostnames,
    Set<ObjectKey> configs, Map<String, Integer> reasons) {
  /** Trigger of an endpoints-only push. */
  public static final String ENDPOINT = "endpoint";
  /** Trigger of a push after services changed. */
  public static final String SERVICE = "service";
  /** Trigger of a push after Istio traffic configs changed (istiod's ConfigUpdate). */
  public static final String CONFIG = "config";
  /** Trigger of a push of everything to everyone (istiod's GlobalUpdate). */
  public static final String GLOBAL = "global";

  public PushRequest {
    serviceHostnames = Set.copyOf(serviceHostnames);
    edsHostnames = Set.copyOf(edsHostnames);
    configs = Set.copyOf(configs);
    reasons = Collections.unmodifiableMap(new TreeMap<>(reasons)); // sorted, for logs and debug views
    if (global && !full) {
      throw new IllegalArgumentException("a global push is a full push");
    }
  }

  /** A request without config changes. */
  public PushRequest(boolean full, boolean global, Set<String> serviceHostnames, Set<String> edsHostnames,
      Map<String, Integer> reasons) {
    this(full, global, serviceHostnames, edsHostnames, Set.of(), reasons);
  }

  /** A push of every type to every proxy, for istiod's {@code global} reason. */
  public static PushRequest fullPush() {
    return fullPush(GLOBAL);
  }

  /** A push of every type to every proxy, for this trigger reason. */
  public static PushRequest fullPush(String reason) {
    return new PushRequest(true, true, Set.of(), Set.of(), Map.of(reason, 1));
  }

  /** A push of every type to the proxies that can see one of these (changed) services. */
  public static PushRequest services(Set<String> hostnames) {
    return new PushRequest(true, false, hostnames, Set.of(), Map.of(SERVICE, 1));
  }

  /** A push of every type to the proxies that depend on one of these (changed) Istio configs. */
  public static PushRequest configs(Set<ObjectKey> configs) {
    return new PushRequest(true, false, Set.of(), Set.of(), configs, Map.of(CONFIG, 1));
  }

  /** A push of the endpoints of these service hostnames only ({@code endpoint} reason). */
  public static PushRequest endpoints(Set<String> hostnames) {
    return new PushRequest(false, false, Set.of(), hostnames, Map.of(ENDPOINT, 1));
  }

  /** Every hostname the push is about (services and endpoints). */
  public Set<String> hostnames() {
    if (serviceHostnames.isEmpty()) {
      return edsHostnames;
    }
    Set<String> all = new HashSet<>(serviceHostnames);
    all.addAll(edsHostnames);
    return all;
  }

  /** One request that does the work of both: full and global win, hostnames are joined, reasons added up. */
  public PushRequest merge(PushRequest other) {
    Map<String, Integer> mergedReasons = new TreeMap<>(reasons);
    other.reasons.forEach((reason, count) -> mergedReasons.merge(reason, count, Integer::sum));
    boolean mergedGlobal = global || other.global;
    Set<String> services = new HashSet<>();
    Set<String> endpoints = new HashSet<>();
    Set<ObjectKey> mergedConfigs = new HashSet<>();
    if (!mergedGlobal) {
      mergedConfigs.addAll(configs);
      mergedConfigs.addAll(other.configs);
      services.addAll(serviceHostnames);
      services.addAll(other.serviceHostnames);
      endpoints.addAll(edsHostnames);
      endpoints.addAll(other.edsHostnames);
    }
    return new PushRequest(full || other.full, mergedGlobal, services, endpoints, mergedConfigs, mergedReasons);
  }
}
