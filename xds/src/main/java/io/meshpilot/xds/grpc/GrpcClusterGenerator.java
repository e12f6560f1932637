package io.meshpilot.xds.grpc;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.meshpilot.xds.cluster.AdsConfigSource;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.view.PushContext;
import java.util.List;
import java.util.Optional;

/**
 * CDS for proxyless gRPC (istio-xds.md §5.5): plain EDS clusters, round robin, nothing else. grpc-java
 * rejects transport-socket matches and discovery types other than EDS, LOGICAL_DNS and aggregate,
 * and reads only {@code max_requests} from circuit breakers, so none of the sidecar defaults apply.
 */
public final class GrpcClusterGenerator {
  private GrpcClusterGenerator() {}

  /** The cluster for one requested name, if it denotes one gRPC can use. */
  public static Optional<Cluster> generate(String name, Proxy proxy, PushContext push) {
    return ClusterTarget.resolve(name, proxy, push).map(GrpcClusterGenerator::cluster);
  }

  /** Every cluster visible to the proxy: the answer to a CDS request naming nothing. */
  public static List<Cluster> all(Proxy proxy, PushContext push) {
    return ClusterTarget.all(proxy, push).stream().map(GrpcClusterGenerator::cluster).toList();
  }

  private static Cluster cluster(ClusterTarget target) {
    return Cluster.newBuilder()
        .setName(target.name())
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
            .setServiceName(target.name())
            .setEdsConfig(AdsConfigSource.ads()))
        .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN)
        .build();
  }
}
