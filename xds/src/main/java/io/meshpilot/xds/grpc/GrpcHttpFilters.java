package io.meshpilot.xds.grpc;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;

/**
 * The HTTP filters of gRPC's connection managers. grpc-java rejects a manager without a router or
 * with the router anywhere but last, and unknown filters unless optional; meshpilot has no fault or
 * RBAC config yet, so the router is the only one.
 */
final class GrpcHttpFilters {
  static final HttpFilter ROUTER = HttpFilter.newBuilder()
      .setName("envoy.filters.http.router")
      .setTypedConfig(Any.pack(Router.getDefaultInstance()))
      .build();

  private GrpcHttpFilters() {}
}
