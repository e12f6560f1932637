package io.meshpilot.xds.listener;

import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.route.v3.Decorator;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.meshpilot.registry.model.Protocol;

/**
 * The inline route of an inbound HTTP chain (reference istio-xds.md §1.5): route configuration
 * {@code inbound|<targetPort>||} (InboundPassthroughCluster for the passthrough chain), virtual
 * host {@code inbound|http|<servicePort>}, one default route.
 */
final class InboundRoute {
  private InboundRoute() {}

  static RouteConfiguration of(InboundChain target) {
    String cluster = target.cluster();
    int servicePort = target.servicePort();
    RouteAction.Builder action = RouteAction.newBuilder()
        .setCluster(cluster)
        .setTimeout(Durations.ZERO)
        .setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder()
            .setMaxStreamDuration(Durations.ZERO)
            .setGrpcTimeoutHeaderMax(Durations.ZERO));
    if (target.protocol() != Protocol.GRPC) {
      action.setRetryPolicy(RetryPolicy.newBuilder().setRetryOn("reset-before-request").setNumRetries(UInt32Value.of(2)));
    }
    Route route = Route.newBuilder()
        .setName("default")
        .setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(action)
        .setDecorator(Decorator.newBuilder().setOperation(target.hostname() + ":" + servicePort + "/*"))
        .build();
    return RouteConfiguration.newBuilder()
        .setName(cluster)
        .setValidateClusters(BoolValue.of(false))
        .addVirtualHosts(VirtualHost.newBuilder()
            .setName("inbound|http|" + servicePort)
            .addDomains("*")
            .addRoutes(route))
        .build();
  }
}
