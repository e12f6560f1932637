package io.meshpilot.xds.listener;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.meshpilot.xds.cluster.ClusterNames;
import io.meshpilot.xds.route.ConfigMetadata;

/** The network filters and small pieces listeners are made of. */
final class NetworkFilters {
  static final String TCP_PROXY = "envoy.filters.network.tcp_proxy";
  static final String HCM = "envoy.filters.network.http_connection_manager";
  static final String PASSTHROUGH_CHAIN = "PassthroughFilterChain";

  private NetworkFilters() {}

  static Filter tcpProxy(String statPrefix, String cluster) {
    return Filter.newBuilder()
        .setName(TCP_PROXY)
        .setTypedConfig(Any.pack(TcpProxy.newBuilder().setStatPrefix(statPrefix).setCluster(cluster).build()))
        .build();
  }

  /**
   * A tcp_proxy chain to the target: its cluster, or weighted clusters as istiod splits a
   * VirtualService TCP route, with the VirtualService in the chain's metadata.
   */
  static FilterChain tcpChain(TcpTarget target) {
    FilterChain.Builder chain = FilterChain.newBuilder();
    if (!target.weighted()) {
      chain.addFilters(tcpProxy(target.statPrefix(), target.cluster()));
    } else {
      TcpProxy.WeightedCluster.Builder weighted = TcpProxy.WeightedCluster.newBuilder();
      target.clusters().forEach(c -> weighted.addClusters(TcpProxy.WeightedCluster.ClusterWeight.newBuilder()
          .setName(c.cluster()).setWeight(c.weight())));
      chain.addFilters(Filter.newBuilder().setName(TCP_PROXY).setTypedConfig(Any.pack(TcpProxy.newBuilder()
          .setStatPrefix(target.statPrefix()).setWeightedClusters(weighted).build())));
    }
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
   * the scope's catch-all cluster ({@link ClusterNames#catchAll}).
   */
  static FilterChain passthroughChain(String cluster) {
    return FilterChain.newBuilder().setName(PASSTHROUGH_CHAIN).addFilters(tcpProxy(cluster, cluster)).build();
  }

  static Address address(String ip, int port) {
    return Address.newBuilder()
        .setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port))
        .build();
  }
}
