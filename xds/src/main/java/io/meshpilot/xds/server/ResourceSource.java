package io.meshpilot.xds.server;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.meshpilot.xds.proxy.InvalidProxyException;
import io.meshpilot.xds.proxy.Proxy;
import java.util.Set;

/** Produces the resources the server sends; implemented from the generators. */
public interface ResourceSource {
  /** The proxy for a node, or an error description (stream is then refused). */
  Proxy proxy(Node node) throws InvalidProxyException;

  /**
   * CDS/LDS: every resource (names ignored), except for proxyless gRPC clients, which get the
   * requested names that exist (every resource when none are named). EDS/RDS: one resource per
   * requested name; an unknown name yields an empty ClusterLoadAssignment / RouteConfiguration of
   * that name, as istiod does. Must not throw for one bad resource: a resource that cannot be
   * generated is left out (and reported by the source).
   */
  ResourceSet generate(Proxy proxy, XdsType type, Set<String> names);

  /**
   * Whether a push can change what this proxy gets; false lets the server skip the proxy (push
   * scoping). The default reaches every proxy.
   */
  default boolean affects(PushRequest request, Proxy proxy) {
    return true;
  }
}
