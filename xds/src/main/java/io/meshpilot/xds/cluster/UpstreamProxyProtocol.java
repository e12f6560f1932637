package io.meshpilot.xds.cluster;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ProxyProtocolConfig;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.proxy_protocol.v3.ProxyProtocolUpstreamTransport;
import io.envoyproxy.envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer;
import io.meshpilot.registry.networking.DestinationRule.ProxyProtocol;

/**
 * A DestinationRule's {@code proxyProtocol}: the cluster's transport socket wrapped in Envoy's
 * upstream PROXY protocol socket (raw buffer inside when the cluster has no TLS), as istiod's
 * applyUpstreamProxyProtocol does.
 */
final class UpstreamProxyProtocol {
  static final String SOCKET = "envoy.transport_sockets.upstream_proxy_protocol";
  private static final TransportSocket RAW_BUFFER = TransportSocket.newBuilder()
      .setName("envoy.transport_sockets.raw_buffer")
      .setTypedConfig(Any.pack(RawBuffer.getDefaultInstance()))
      .build();

  private UpstreamProxyProtocol() {}

  static void apply(Cluster.Builder cluster, ProxyProtocol proxyProtocol) {
    ProxyProtocolConfig.Version version = "V2".equals(proxyProtocol.version())
        ? ProxyProtocolConfig.Version.V2 : ProxyProtocolConfig.Version.V1;
    TransportSocket inner = cluster.hasTransportSocket() ? cluster.getTransportSocket() : RAW_BUFFER;
    cluster.setTransportSocket(TransportSocket.newBuilder().setName(SOCKET)
        .setTypedConfig(Any.pack(ProxyProtocolUpstreamTransport.newBuilder()
            .setConfig(ProxyProtocolConfig.newBuilder().setVersion(version))
            .setTransportSocket(inner)
            .build())));
  }
}
