package io.meshpilot.xds.server;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.meshpilot.xds.proxy.InvalidProxyException;
import io.meshpilot.xds.proxy.Proxy;
import java.util.List;
import java.util.Set;

/** Produces the resources the server sends; implemented by the lead from the generators. */
public interface ResourceSource {
  /** The proxy for a node, or an error description (stream is then refused). */
  Proxy proxy(Node node) throws InvalidProxyException;

  /**
   * CDS/LDS: every resource (names ignored), except for proxyless gRPC clients, which get the
   * requested names that exist (every resource when none are named). EDS/RDS: one resource per
   * requested name; an unknown name yields an empty ClusterLoadAssignment / RouteConfiguration of
   * that name, as istiod does.
   */
  List<? extends Message> generate(Proxy proxy, String typeUrl, Set<String> names);
}
