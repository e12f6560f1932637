package io.meshpilot.xds.grpc;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.NonForwardingAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.view.PushContext;
import java.util.Optional;

/**
 * The inbound listener of a gRPC server built with {@code XdsServerBuilder} (istio-xds.md §5.3).
 * The server asks for {@code xds.istio.io/grpc/lds/inbound/<ip>:<port>} (the template Istio's agent
 * writes into the bootstrap's {@code server_listener_resource_name_template}), or for gRFC A36's
 * {@code ...xds.resource.listening_address=<ip>:<port>} when a hand-written bootstrap uses that
 * template; it is answered only when one of the proxy's
 * service targets forwards to that port. grpc-java rejects listener filters, original-dst and
 * filter chains with more than the connection manager, so there is one plain chain whose inline
 * route lets every request through to the server's own handlers ({@code non_forwarding_action}).
 */
final class ServerListener {
  static final String NAME_PREFIX = "xds.istio.io/grpc/lds/inbound/";
  static final String A36_PARAMETER = "xds.resource.listening_address=";
  private static final String FILTER_CHAIN = "inbound-plaintext";
  private static final String HCM_FILTER = "envoy.filters.network.http_connection_manager";

  private ServerListener() {}

  static boolean isInbound(String listenerName) {
    return listenerName.startsWith(NAME_PREFIX) || listenerName.contains(A36_PARAMETER);
  }

  static Optional<Listener> build(String name, Proxy proxy, PushContext push) {
    String requested = name.startsWith(NAME_PREFIX)
        ? name.substring(NAME_PREFIX.length())
        : name.substring(name.indexOf(A36_PARAMETER) + A36_PARAMETER.length());
    return HostPort.parse(requested)
        .filter(address -> push.serviceTargets(proxy).stream().anyMatch(t -> t.targetPort() == address.port()))
        .map(address -> listener(name, address));
  }

  private static Listener listener(String name, HostPort address) {
    RouteConfiguration routes = RouteConfiguration.newBuilder()
        .setName("inbound")
        .addVirtualHosts(VirtualHost.newBuilder()
            .setName("inbound|http|" + address.port())
            .addDomains("*")
            .addRoutes(Route.newBuilder()
                .setName("default")
                .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setNonForwardingAction(NonForwardingAction.getDefaultInstance())))
        .build();
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix("inbound_" + address.port())
        .setRouteConfig(routes)
        .addHttpFilters(GrpcHttpFilters.ROUTER)
        .build();
    return Listener.newBuilder()
        .setName(name)
        .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
            .setAddress(address.host())
            .setPortValue(address.port())))
        .setTrafficDirection(TrafficDirection.INBOUND)
        .addFilterChains(FilterChain.newBuilder()
            .setName(FILTER_CHAIN)
            .addFilters(Filter.newBuilder().setName(HCM_FILTER).setTypedConfig(Any.pack(hcm))))
        .build();
  }
}
