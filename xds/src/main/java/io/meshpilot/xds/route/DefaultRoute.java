package io.meshpilot.xds.route;

import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.route.v3.Decorator;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.meshpilot.xds.cluster.ClusterNames;

/** The {@code default} route of a service's virtual host, with istiod's retry defaults (reference §2.5). */
public final class DefaultRoute {
  private DefaultRoute() {}

  @SuppressWarnings("deprecation") // max_grpc_timeout: deprecated in Envoy, still what istiod sends
  public static Route of(String hostname, int port) {
    return Route.newBuilder()
        .setName("default")
        .setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(RouteAction.newBuilder()
            .setCluster(ClusterNames.outbound(port, hostname))
            .setTimeout(Durations.ZERO)
            .setMaxGrpcTimeout(Durations.ZERO)
            .setRetryPolicy(RetryPolicies.defaults()))
        .setDecorator(Decorator.newBuilder().setOperation(hostname + ":" + port + "/*"))
        .build();
  }
}
