package io.meshpilot.xds.listener;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.CodecType;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.ForwardClientCertDetails;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.PathWithEscapedSlashesAction;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.SetCurrentClientCertDetails;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.meshpilot.xds.cluster.AdsConfigSource;
import io.meshpilot.xds.route.RouteFilterConfigs;

/**
 * istiod's sidecar HTTP connection managers (reference istio-xds.md §1.3, §1.5), with istiod's
 * upstream HTTP filters (fault, CORS, router): upstream Envoy has none of the {@code istio.*} ones.
 */
final class HttpConnectionManagers {
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
  static HttpConnectionManager outbound(String statPrefix, String routeName) {
    return base(statPrefix)
        .setRds(Rds.newBuilder().setRouteConfigName(routeName).setConfigSource(AdsConfigSource.ads()))
        .build();
  }

  /** Inbound: an inline route to the {@code inbound|<port>||} cluster. */
  static HttpConnectionManager inbound(String statPrefix, RouteConfiguration routes, boolean http2) {
    HttpConnectionManager.Builder hcm = base(statPrefix)
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

  private static HttpConnectionManager.Builder base(String statPrefix) {
    return HttpConnectionManager.newBuilder()
        .setStatPrefix(statPrefix)
        .setCodecType(CodecType.AUTO)
        .setUseRemoteAddress(BoolValue.of(false))
        .setNormalizePath(BoolValue.of(true))
        .setPathWithEscapedSlashesAction(PathWithEscapedSlashesAction.KEEP_UNCHANGED)
        .setStreamIdleTimeout(Durations.ZERO)
        .setProxy100Continue(true)
        .addUpgradeConfigs(HttpConnectionManager.UpgradeConfig.newBuilder().setUpgradeType("websocket"))
        .addHttpFilters(FAULT)
        .addHttpFilters(CORS)
        .addHttpFilters(ROUTER);
  }
}
