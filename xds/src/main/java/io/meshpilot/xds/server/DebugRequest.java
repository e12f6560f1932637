package io.meshpilot.xds.server;

import io.meshpilot.xds.auth.SpiffeIdentity;
import io.meshpilot.xds.proxy.Proxy;
import java.util.List;
import java.util.Objects;

/**
 * A request for one of istiod's debug-over-xDS types ({@code istio.io/debug/...}) on an ADS stream,
 * as istioctl sends it to read sync status and config dumps from the control plane itself.
 *
 * @param typeUrl the requested type, e.g. {@code istio.io/debug/syncz}
 * @param resourceNames the request's resource names (config_dump: the proxy to dump)
 * @param caller the proxy the stream's node describes (istioctl's own node)
 * @param identities the caller's authenticated identities; empty when nothing was checked
 *     (plaintext listener, {@code XDS_AUTH=false})
 * @param proxies the server's connections, to report on
 */
public record DebugRequest(String typeUrl, List<String> resourceNames, Proxy caller,
    List<SpiffeIdentity> identities, SyncStatusRegistry proxies) {
  public DebugRequest {
    Objects.requireNonNull(typeUrl, "typeUrl");
    Objects.requireNonNull(caller, "caller");
    Objects.requireNonNull(proxies, "proxies");
    resourceNames = List.copyOf(resourceNames);
    identities = List.copyOf(identities);
  }
}
