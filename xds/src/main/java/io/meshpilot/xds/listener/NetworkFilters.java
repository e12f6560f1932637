package io.meshpilot.xds.listener;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.mongo_proxy.v3.MongoProxy;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.meshpilot.registry.model.Protocol;
import io.meshpilot.xds.cluster.ClusterNames;
import io.meshpilot.xds.route.ConfigMetadata;
import java.util.List;

/** The network filters and small pieces listeners are made of. */
final class NetworkFilters {
  static final String TCP_PROXY = "envoy.filters.network.tcp_proxy";
  static final String HCM = "envoy.filters.network.http_connection_manager";
  static final String MONGO_PROXY = "envoy.filters.network.mongo_proxy";
  static final String PASSTHROUGH_CHAIN = "PassthroughFilterChain";
  /** istiod's MAX_CONNECTIONS_PER_SOCKET_EVENT_LOOP default, on the listeners it sets it on. */
  static final UInt32Value MAX_CONNECTIONS_PER_SOCKET_EVENT = UInt32Value.of(1);
  /**
   * istiod's PILOT_GATEWAY_TRANSPORT_SOCKET_CONNECT_TIMEOUT default, which it also sets on the
   * chains of sidecar outbound listeners: a slow TLS handshake cannot hold a connection forever.
   */
  static final Duration TRANSPORT_SOCKET_CONNECT_TIMEOUT = Durations.fromSeconds(15);

  private NetworkFilters() {}

  static Filter tcpProxy(String statPrefix, String cluster) {
    return Filter.newBuilder()
        .setName(TCP_PROXY)
        .setTypedConfig(Any.pack(TcpProxy.newBuilder().setStatPrefix(statPrefix).setCluster(cluster).build()))
        .build();
  }

  /**
   * The filters of a TCP chain for a port of this protocol, ending in its tcp_proxy: a Mongo port
   * has Envoy's mongo_proxy (stats under the same prefix) before it, as istiod's
   * {@code PILOT_ENABLE_MONGO_FILTER} (on by default) adds it; Redis and MySQL filters are off by
   * default in istiod, so every other port has the tcp_proxy alone.
   */
  static List<Filter> l4Filters(Protocol protocol, String statPrefix, Filter tcpProxy) {
    if (protocol != Protocol.MONGO) {
      return List.of(tcpProxy);
    }
    Filter mongo = Filter.newBuilder()
        .setName(MONGO_PROXY)
        .setTypedConfig(Any.pack(MongoProxy.newBuilder().setStatPrefix(statPrefix).build()))
        .build();
    return List.of(mongo, tcpProxy);
  }

  /**
   * A tcp_proxy chain to the target for a port of this protocol: its cluster, or weighted clusters
   * as istiod splits a VirtualService TCP route, with the VirtualService in the chain's metadata. An
   * outbound service chain, so with istiod's handshake bound.
   */
  static FilterChain tcpChain(TcpTarget target, Protocol protocol) {
    FilterChain.Builder chain = FilterChain.newBuilder()
        .setTransportSocketConnectTimeout(TRANSPORT_SOCKET_CONNECT_TIMEOUT);
    Filter tcp;
    if (!target.weighted()) {
      tcp = tcpProxy(target.statPrefix(), target.cluster());
    } else {
      TcpProxy.WeightedCluster.Builder weighted = TcpProxy.WeightedCluster.newBuilder();
      target.clusters().forEach(c -> weighted.addClusters(TcpProxy.WeightedCluster.ClusterWeight.newBuilder()
          .setName(c.cluster()).setWeight(c.weight())));
      tcp = Filter.newBuilder().setName(TCP_PROXY).setTypedConfig(Any.pack(TcpProxy.newBuilder()
          .setStatPrefix(target.statPrefix()).setWeightedClusters(weighted).build())).build();
    }
    chain.addAllFilters(l4Filters(protocol, target.statPrefix(), tcp));
    if (!target.configPath().isEmpty()) {
      chain.setMetadata(ConfigMetadata.of(target.configPath()));
    }
    return chain.build();
  }

  static Filter httpConnectionManager(HttpConnectionManager hcm) {
    return Filter.newBuilder().setName(HCM).setTypedConfig(Any.pack(hcm)).build();
  }

  /**
   * {@code PassthroughFilterChain}: non-HTTP bytes on an HTTP port still pass (or are blocked), to
   * the scope's catch-all cluster ({@link ClusterNames#catchAll}). istiod gives this default chain an
   * empty match.
   */
  static FilterChain passthroughChain(String cluster) {
    return FilterChain.newBuilder()
        .setName(PASSTHROUGH_CHAIN)
        .setFilterChainMatch(FilterChainMatch.getDefaultInstance())
        .addFilters(tcpProxy(cluster, cluster))
        .build();
  }

  static Address address(String ip, int port) {
    return Address.newBuilder()
        .setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port))
        .build();
  }
}
