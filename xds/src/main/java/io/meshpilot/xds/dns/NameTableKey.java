package io.meshpilot.xds.dns;

import io.meshpilot.xds.proxy.Proxy;

/**
 * Everything of a proxy its name table depends on: what it sees (namespace), whose VIPs (cluster),
 * which address families, and whether it uses auto-allocated VIPs. Proxies with equal keys share one
 * table per push.
 */
public record NameTableKey(String namespace, String clusterId, boolean ipv4, boolean ipv6, boolean autoAllocatedVips) {

  /** The key of a proxy. */
  public static NameTableKey of(Proxy proxy) {
    return new NameTableKey(proxy.namespace(), proxy.clusterId(), proxy.ipv4(), proxy.ipv6(),
        proxy.usesAutoAllocatedVips());
  }
}
