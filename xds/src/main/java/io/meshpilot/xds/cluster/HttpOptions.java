package io.meshpilot.xds.cluster;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.UpstreamHttpProtocolOptions;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.meshpilot.registry.model.Protocol;
import java.util.Optional;

/**
 * A cluster's {@code typed_extension_protocol_options[envoy.extensions.upstreams.http.v3.HttpProtocolOptions]}
 * while it is built (istiod's clusterWrapper.httpProtocolOptions): absent until a step needs it; the
 * upstream protocol is set by the first step that picks one (HTTP/2 for HTTP/2-family ports, the
 * client's protocol for sniffed ones), and explicit HTTP/1 when none did, as istiod finishes it.
 */
final class HttpOptions {
  static final String KEY = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

  private HttpProtocolOptions.Builder options;

  /** The options istiod starts a cluster of this port protocol with (none for HTTP/1 and TCP). */
  static HttpOptions forProtocol(Protocol protocol) {
    HttpOptions http = new HttpOptions();
    if (protocol.isHttp2()) {
      http.http2();
    } else if (protocol.isUnsupported()) {
      http.useDownstreamProtocol();
    }
    return http;
  }

  private HttpProtocolOptions.Builder options() {
    if (options == null) {
      options = HttpProtocolOptions.newBuilder();
    }
    return options;
  }

  /** HTTP/2 upstream, unless a protocol is already chosen (istiod's setH2Options). */
  void http2() {
    if (options().getUpstreamProtocolOptionsCase()
        == HttpProtocolOptions.UpstreamProtocolOptionsCase.UPSTREAMPROTOCOLOPTIONS_NOT_SET) {
      options.setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
          .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()));
    }
  }

  /** The client's protocol upstream, keeping explicit HTTP/1 options (istiod's setUseDownstreamProtocol). */
  void useDownstreamProtocol() {
    Http1ProtocolOptions http1 = options().getExplicitHttpConfig().hasHttpProtocolOptions()
        ? options.getExplicitHttpConfig().getHttpProtocolOptions() : Http1ProtocolOptions.getDefaultInstance();
    options.setUseDownstreamProtocolConfig(HttpProtocolOptions.UseDownstreamHttpConfig.newBuilder()
        .setHttpProtocolOptions(http1)
        .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()));
  }

  /** True when the upstream speaks HTTP/2 explicitly. */
  boolean isHttp2() {
    return options != null && options.getExplicitHttpConfig().hasHttp2ProtocolOptions();
  }

  io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.Builder common() {
    return options().getCommonHttpProtocolOptionsBuilder();
  }

  Http2ProtocolOptions.Builder explicitHttp2() {
    return options().getExplicitHttpConfigBuilder().getHttp2ProtocolOptionsBuilder();
  }

  UpstreamHttpProtocolOptions.Builder upstream() {
    return options().getUpstreamHttpProtocolOptionsBuilder();
  }

  /** The packed options, or empty when no step needed any. */
  Optional<Any> build() {
    if (options == null) {
      return Optional.empty();
    }
    if (options.getUpstreamProtocolOptionsCase()
        == HttpProtocolOptions.UpstreamProtocolOptionsCase.UPSTREAMPROTOCOLOPTIONS_NOT_SET) {
      options.setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
          .setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance()));
    }
    return Optional.of(Any.pack(options.build()));
  }
}
