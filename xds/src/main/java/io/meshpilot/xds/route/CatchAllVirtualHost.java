package io.meshpilot.xds.route;

import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.meshpilot.xds.OutboundTrafficPolicy;
import io.meshpilot.xds.cluster.ClusterNames;
import io.meshpilot.xds.view.SidecarScope;

/**
 * The last virtual host of a {@code "<port>"} route (reference istio-xds.md §2.6): {@code allow_any}
 * to PassthroughCluster (or the Sidecar's egressProxy), or {@code block_all} answering 502, per the
 * outbound traffic policy.
 */
final class CatchAllVirtualHost {
  private CatchAllVirtualHost() {}

  @SuppressWarnings("deprecation") // max_grpc_timeout, as istiod sends it
  static VirtualHost of(SidecarScope scope) {
    OutboundTrafficPolicy policy = scope.outboundTrafficPolicy();
    String name = policy == OutboundTrafficPolicy.ALLOW_ANY ? "allow_any" : "block_all";
    Route.Builder route = Route.newBuilder().setName(name).setMatch(RouteMatch.newBuilder().setPrefix("/"));
    if (policy == OutboundTrafficPolicy.ALLOW_ANY) {
      route.setRoute(RouteAction.newBuilder()
          .setCluster(ClusterNames.catchAll(scope))
          .setTimeout(Durations.ZERO)
          .setMaxGrpcTimeout(Durations.ZERO));
    } else {
      route.setDirectResponse(DirectResponseAction.newBuilder().setStatus(502));
    }
    return VirtualHost.newBuilder()
        .setName(name)
        .addDomains("*")
        .addRoutes(route)
        .setIncludeRequestAttemptCount(true)
        .build();
  }
}
