package io.meshpilot.xds.listener;

import io.meshpilot.xds.proxy.Proxy;

/**
 * What of a proxy its HTTP connection managers' tracing names: istiod tags every span with the
 * proxy's canonical service and revision, mesh, namespace and cluster. Proxies with equal tags get
 * equal HTTP listeners, so this is part of what keys them.
 *
 * @param canonicalService label {@code service.istio.io/canonical-name}, else {@code unknown}
 * @param canonicalRevision label {@code service.istio.io/canonical-revision}, else {@code latest}
 * @param meshId metadata MESH_ID, else {@code unknown}
 * @param namespace the proxy's namespace, else {@code default}
 * @param clusterId metadata CLUSTER_ID, else {@code unknown}
 */
public record TracingTags(String canonicalService, String canonicalRevision, String meshId, String namespace,
    String clusterId) {

  /** The tags of a proxy, with istiod's fallbacks for what it does not say. */
  public static TracingTags of(Proxy proxy) {
    return new TracingTags(
        orElse(proxy.labels().get("service.istio.io/canonical-name"), "unknown"),
        orElse(proxy.labels().get("service.istio.io/canonical-revision"), "latest"),
        orElse(proxy.meshId(), "unknown"),
        orElse(proxy.namespace(), "default"),
        orElse(proxy.clusterId(), "unknown"));
  }

  private static String orElse(String value, String fallback) {
    return value == null || value.isEmpty() ? fallback : value;
  }
}
