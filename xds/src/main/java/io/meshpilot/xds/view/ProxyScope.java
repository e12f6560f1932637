package io.meshpilot.xds.view;

import io.meshpilot.registry.ObjectKey;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import java.util.List;
import java.util.Map;

/**
 * Everything of a proxy that its shared (outbound) config depends on: what it can see (its
 * namespace decides exportTo visibility, the Sidecar that applies to it narrows it), which VIPs it uses (cluster id), its DNS domain (short
 * names in route domains), interception mode, address families (a dual-stack proxy's listeners also
 * bind the IPv6 wildcard; its route domains hold the VIPs of one family) and generator flavour. Proxies with
 * equal scopes get the same outbound clusters, listeners, routes and endpoints, built once per push;
 * what depends on the proxy's own labels and IPs (inbound config) is not part of it.
 *
 * @param ownHeadlessAddress the proxy's address when it is itself an endpoint of a headless service
 *     (its per-endpoint listeners then leave it out), else {@code ""}
 * @param selectingRules the DestinationRules with a workloadSelector that select the proxy (its
 *     labels matter to its outbound clusters only through them; empty for almost every proxy)
 * @param sidecar the Sidecar scope it resolves to: proxies of one namespace and Sidecar share config
 * @param routeSelectors the VirtualService {@code sourceLabels} its labels satisfy: its labels matter
 *     to its routes only through them (empty unless some VirtualService matches on source labels)
 */
public record ProxyScope(String namespace, String clusterId, String dnsDomain, InterceptionMode mode,
    boolean ipv4, boolean ipv6, String generator, String ownHeadlessAddress, List<ObjectKey> selectingRules,
    SidecarScope.Id sidecar, List<Map<String, String>> routeSelectors) {

  /** The scope of a proxy in this push. */
  public static ProxyScope of(Proxy proxy, PushContext push) {
    String address = proxy.ipAddress();
    String own = !address.isEmpty() && push.headlessEndpointAddresses().contains(address) ? address : "";
    return new ProxyScope(proxy.namespace(), proxy.clusterId(), proxy.dnsDomain(), proxy.interceptionMode(),
        proxy.ipv4(), proxy.ipv6(), proxy.generator(), own,
        push.destinationRules().selecting(proxy.namespace(), proxy.labels()), push.sidecarScope(proxy).id(),
        push.virtualServices().selectorsMatching(proxy.labels()));
  }
}
