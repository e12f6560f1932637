package io.meshpilot.xds.grpc;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.meshpilot.registry.model.Service;
import io.meshpilot.xds.cluster.AdsConfigSource;
import io.meshpilot.xds.cluster.ClusterNames;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.route.ServiceAddresses;

/**
 * A gRPC channel's API listener (istio-xds.md §5.2): named exactly as requested, addressed at the
 * service VIP, its connection manager taking routes over ADS from {@code outbound|<port>||<host>}.
 */
final class ClientListener {
  private ClientListener() {}

  static Listener build(String name, OutboundTarget target, Proxy proxy) {
    Service service = target.service();
    int port = target.port().port();
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setRds(Rds.newBuilder()
            .setConfigSource(AdsConfigSource.ads())
            .setRouteConfigName(ClusterNames.outbound(port, service.hostname())))
        .addHttpFilters(GrpcHttpFilters.FAULT)
        .addHttpFilters(GrpcHttpFilters.ROUTER)
        .build();
    return Listener.newBuilder()
        .setName(name)
        .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
            .setAddress(ServiceAddresses.primary(service, proxy))
            .setPortValue(port)))
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm)))
        .build();
  }
}
