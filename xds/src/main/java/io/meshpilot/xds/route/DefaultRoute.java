package io.meshpilot.xds.route;

import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.route.v3.Decorator;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.meshpilot.xds.cluster.ClusterNames;
import java.util.Optional;

/** The {@code default} route of a service's virtual host, with the mesh's default retry policy (as istiod). */
public final class DefaultRoute {
  private DefaultRoute() {}

  /**
   * The default route, with the hash policy of the service's DestinationRule when it hashes (as
   * istiod), and the retry policy {@code retries} gives a default route (none when it turns them off).
   */
  @SuppressWarnings("deprecation") // max_grpc_timeout: deprecated in Envoy, still what istiod sends
  public static Route of(String hostname, int port, Optional<RouteAction.HashPolicy> hash, RetryPolicies retries) {
    RouteAction.Builder action = RouteAction.newBuilder()
        .setCluster(ClusterNames.outbound(port, hostname))
        .setTimeout(Durations.ZERO)
        .setMaxGrpcTimeout(Durations.ZERO);
    retries.forDefaultRoute().ifPresent(action::setRetryPolicy);
    hash.ifPresent(action::addHashPolicy);
    return Route.newBuilder()
        .setName("default")
        .setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(action)
        .setDecorator(Decorator.newBuilder().setOperation(hostname + ":" + port + "/*"))
        .build();
  }
}
