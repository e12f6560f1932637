package io.meshpilot.xds.grpc;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.meshpilot.xds.route.RouteFilterConfigs;

/**
 * The HTTP filters of gRPC's connection managers. grpc-java rejects a manager without a router or
 * with the router anywhere but last, and unknown filters unless optional. Client listeners carry
 * the fault filter before the router, as istiod's do, so VirtualService faults apply per route.
 */
final class GrpcHttpFilters {
  static final HttpFilter FAULT = HttpFilter.newBuilder()
      .setName(RouteFilterConfigs.FAULT)
      .setTypedConfig(Any.pack(HTTPFault.getDefaultInstance()))
      .build();
  static final HttpFilter ROUTER = HttpFilter.newBuilder()
      .setName("envoy.filters.http.router")
      .setTypedConfig(Any.pack(Router.getDefaultInstance()))
      .build();

  private GrpcHttpFilters() {}
}
