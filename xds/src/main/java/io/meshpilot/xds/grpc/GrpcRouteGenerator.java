package io.meshpilot.xds.grpc;

import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.route.DefaultRoute;
import io.meshpilot.xds.route.RouteGenerator;
import io.meshpilot.xds.route.VirtualServiceRoutes;
import java.util.List;
import io.meshpilot.xds.route.RouteNames;
import io.meshpilot.xds.view.PushContext;

/**
 * RDS for proxyless gRPC (istio-xds.md §5.4). gRPC's API listeners name their routes in cluster
 * syntax, {@code outbound|<port>||<host>}; the answer is that service's one virtual host, with the
 * {@code :port} domain twins and the routes the sidecar generator would give it (its VirtualService's,
 * with timeouts as {@code max_stream_duration}, else the default route), and no catch-all. A name
 * that denotes no cluster gets an empty configuration of that name.
 */
public final class GrpcRouteGenerator {
  private GrpcRouteGenerator() {}

  public static RouteConfiguration generate(String routeName, Proxy proxy, PushContext push) {
    RouteConfiguration.Builder routes = RouteConfiguration.newBuilder().setName(routeName);
    ClusterTarget.resolve(routeName, proxy, push).ifPresent(target -> {
      String hostname = target.service().hostname();
      int port = target.port().port();
      routes.addVirtualHosts(VirtualHost.newBuilder()
          .setName(RouteNames.forService(hostname, port))
          .addAllDomains(GrpcDomains.of(target.service(), port, proxy))
          .addAllRoutes(RouteGenerator.virtualServiceRoutes(target.service(), port, proxy, push,
                  VirtualServiceRoutes.Client.PROXYLESS_GRPC)
              .orElseGet(() -> List.of(RouteGenerator.defaultRoute(target.service(), port, proxy, push)))));
    });
    return routes.build();
  }
}
