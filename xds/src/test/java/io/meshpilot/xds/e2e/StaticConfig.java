package io.meshpilot.xds.e2e;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;

/** Static Envoy v3 listeners and clusters (JSON) for the harness's own smoke tests. */
final class StaticConfig {

  private StaticConfig() {}

  /** An HTTP listener on {@code ip:port} routing by Host: each domain to its cluster. */
  static String httpListener(String name, String ip, int port, Map<String, String> clusterByDomain) {
    ObjectNode hcm = typed("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager");
    hcm.put("stat_prefix", name);
    ObjectNode routeConfig = hcm.putObject("route_config").put("name", name);
    ArrayNode vhosts = routeConfig.putArray("virtual_hosts");
    clusterByDomain.forEach((domain, cluster) -> {
      ObjectNode vhost = vhosts.addObject().put("name", domain);
      vhost.putArray("domains").add(domain);
      ObjectNode route = vhost.putArray("routes").addObject();
      route.putObject("match").put("prefix", "/");
      route.putObject("route").put("cluster", cluster);
    });
    hcm.putArray("http_filters").addObject().put("name", "envoy.filters.http.router")
        .set("typed_config", typed("envoy.extensions.filters.http.router.v3.Router"));
    return listener(name, ip, port, "envoy.filters.network.http_connection_manager", hcm).toString();
  }

  /** A TCP proxy listener on {@code ip:port} to {@code cluster}. */
  static String tcpListener(String name, String ip, int port, String cluster) {
    ObjectNode proxy = typed("envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy");
    proxy.put("stat_prefix", name).put("cluster", cluster);
    return listener(name, ip, port, "envoy.filters.network.tcp_proxy", proxy).toString();
  }

  /**
   * Like Istio's {@code virtualOutbound}: 0.0.0.0:15001, original destination, everything passed
   * through to an ORIGINAL_DST cluster.
   */
  static String virtualOutbound(String passthroughCluster) {
    ObjectNode proxy = typed("envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy");
    proxy.put("stat_prefix", passthroughCluster).put("cluster", passthroughCluster);
    ObjectNode listener = listener("virtualOutbound", "0.0.0.0", NetnsSandbox.OUTBOUND_CAPTURE_PORT,
        "envoy.filters.network.tcp_proxy", proxy);
    listener.put("use_original_dst", true);
    return listener.toString();
  }

  /** A cluster with one static endpoint. */
  static String staticCluster(String name, String ip, int port) {
    ObjectNode cluster = cluster(name, "STATIC");
    endpointAddress(cluster).putObject("socket_address").put("address", ip).put("port_value", port);
    return cluster.toString();
  }

  /** A cluster whose one endpoint is a Unix socket. */
  static String pipeCluster(String name, Path socket) {
    ObjectNode cluster = cluster(name, "STATIC");
    endpointAddress(cluster).putObject("pipe").put("path", socket.toString());
    return cluster.toString();
  }

  /** Istio's {@code PassthroughCluster} shape: ORIGINAL_DST with the cluster-provided LB. */
  static String originalDstCluster(String name) {
    return cluster(name, "ORIGINAL_DST").put("lb_policy", "CLUSTER_PROVIDED").toString();
  }

  private static ObjectNode cluster(String name, String type) {
    return EnvoyBootstrap.JSON.createObjectNode().put("name", name).put("type", type).put("connect_timeout", "2s");
  }

  private static ObjectNode endpointAddress(ObjectNode cluster) {
    return cluster.putObject("load_assignment").put("cluster_name", cluster.get("name").asText())
        .putArray("endpoints").addObject().putArray("lb_endpoints").addObject()
        .putObject("endpoint").putObject("address");
  }

  private static ObjectNode listener(String name, String ip, int port, String filterName, ObjectNode filterConfig) {
    ObjectNode listener = EnvoyBootstrap.JSON.createObjectNode().put("name", name);
    listener.putObject("address").putObject("socket_address").put("address", ip).put("port_value", port);
    listener.putArray("filter_chains").addObject().putArray("filters").addObject()
        .put("name", filterName).set("typed_config", filterConfig);
    return listener;
  }

  private static ObjectNode typed(String type) {
    return EnvoyBootstrap.JSON.createObjectNode().put("@type", "type.googleapis.com/" + type);
  }
}
