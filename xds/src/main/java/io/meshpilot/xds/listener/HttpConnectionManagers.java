package io.meshpilot.xds.listener;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.grpc_stats.v3.FilterConfig;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.CodecType;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.ForwardClientCertDetails;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.PathWithEscapedSlashesAction;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.SetCurrentClientCertDetails;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.RequestIDExtension;
import io.envoyproxy.envoy.extensions.request_id.uuid.v3.UuidRequestIdConfig;
import io.meshpilot.xds.cluster.AdsConfigSource;
import io.meshpilot.xds.route.RouteFilterConfigs;

/**
 * istiod's sidecar HTTP connection managers (reference istio-xds.md §1.3, §1.5), with istiod's
 * upstream HTTP filters (gRPC stats, fault, CORS, router): upstream Envoy has none of the
 * {@code istio.*} ones. Each traces as istiod's do without a tracing provider ({@link HttpTracing}),
 * with UUID request ids that drive trace sampling.
 */
final class HttpConnectionManagers {
  // per-method gRPC stats off: istiod only wants the filter state (request/response message counts)
  private static final HttpFilter GRPC_STATS = HttpFilter.newBuilder()
      .setName("envoy.filters.http.grpc_stats")
      .setTypedConfig(Any.pack(FilterConfig.newBuilder()
          .setEmitFilterState(true)
          .setStatsForAllMethods(BoolValue.of(false))
          .build()))
      .build();
  private static final RequestIDExtension UUID_REQUEST_ID = RequestIDExtension.newBuilder()
      .setTypedConfig(Any.pack(UuidRequestIdConfig.newBuilder()
          .setUseRequestIdForTraceSampling(BoolValue.of(true))
          .build()))
      .build();
  // istiod puts the fault and CORS filters in every sidecar chain; routes configure them per route
  private static final HttpFilter FAULT = HttpFilter.newBuilder()
      .setName(RouteFilterConfigs.FAULT)
      .setTypedConfig(Any.pack(HTTPFault.getDefaultInstance()))
      .build();
  private static final HttpFilter CORS = HttpFilter.newBuilder()
      .setName(RouteFilterConfigs.CORS)
      .setTypedConfig(Any.pack(Cors.getDefaultInstance()))
      .build();
  private static final HttpFilter ROUTER = HttpFilter.newBuilder()
      .setName("envoy.filters.http.router")
      .setTypedConfig(Any.pack(Router.getDefaultInstance()))
      .build();

  private HttpConnectionManagers() {}

  /** Outbound: routes come over RDS under {@code routeName}. */
  static HttpConnectionManager outbound(String statPrefix, String routeName, TracingTags tags) {
    return base(statPrefix, tags)
        .setRds(Rds.newBuilder().setRouteConfigName(routeName).setConfigSource(AdsConfigSource.ads()))
        .build();
  }

  /** Inbound: an inline route to the {@code inbound|<port>||} cluster. */
  static HttpConnectionManager inbound(String statPrefix, RouteConfiguration routes, boolean http2,
      TracingTags tags) {
    HttpConnectionManager.Builder hcm = base(statPrefix, tags)
        .setRouteConfig(routes)
        .setForwardClientCertDetails(ForwardClientCertDetails.APPEND_FORWARD)
        .setSetCurrentClientCertDetails(SetCurrentClientCertDetails.newBuilder()
            .setSubject(BoolValue.of(true)).setUri(true).setDns(true))
        .setServerName("istio-envoy");
    if (http2) {
      hcm.setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance());
    }
    return hcm.build();
  }

  private static HttpConnectionManager.Builder base(String statPrefix, TracingTags tags) {
    return HttpConnectionManager.newBuilder()
        .setStatPrefix(statPrefix)
        .setCodecType(CodecType.AUTO)
        .setUseRemoteAddress(BoolValue.of(false))
        .setNormalizePath(BoolValue.of(true))
        .setPathWithEscapedSlashesAction(PathWithEscapedSlashesAction.KEEP_UNCHANGED)
        .setStreamIdleTimeout(Durations.ZERO)
        .setProxy100Continue(true)
        .addUpgradeConfigs(HttpConnectionManager.UpgradeConfig.newBuilder().setUpgradeType("websocket"))
        .addHttpFilters(GRPC_STATS)
        .addHttpFilters(FAULT)
        .addHttpFilters(CORS)
        .addHttpFilters(ROUTER)
        .setTracing(HttpTracing.of(tags))
        .setRequestIdExtension(UUID_REQUEST_ID);
  }
}
