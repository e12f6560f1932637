package io.meshpilot.xds.route;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.route.v3.Decorator;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.meshpilot.xds.cluster.ClusterNames;

/** The {@code default} route of a service's virtual host, with istiod's retry defaults (reference §2.5). */
public final class DefaultRoute {
  static final String RETRY_ON = "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes";

  private static final RetryPolicy RETRY = RetryPolicy.newBuilder()
      .setRetryOn(RETRY_ON)
      .setNumRetries(UInt32Value.of(2))
      .addRetryHostPredicate(RetryPolicy.RetryHostPredicate.newBuilder()
          .setName("envoy.retry_host_predicates.previous_hosts")
          .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance())))
      .setHostSelectionRetryMaxAttempts(5)
      .build();

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
            .setRetryPolicy(RETRY))
        .setDecorator(Decorator.newBuilder().setOperation(hostname + ":" + port + "/*"))
        .build();
  }
}
