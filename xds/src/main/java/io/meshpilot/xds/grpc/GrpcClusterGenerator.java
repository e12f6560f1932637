package io.meshpilot.xds.grpc;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.meshpilot.registry.networking.DestinationRule.TrafficPolicy;
import io.meshpilot.xds.cluster.AdsConfigSource;
import io.meshpilot.xds.cluster.TrafficPolicies;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.view.PushContext;
import java.util.List;
import java.util.Optional;

/**
 * CDS for proxyless gRPC (istio-xds.md §5.5): plain EDS clusters, round robin, and one cluster per
 * DestinationRule subset; of a rule's policy only what grpc-java reads applies ({@link
 * GrpcClusterPolicy}). grpc-java rejects transport-socket matches and discovery types other than
 * EDS, LOGICAL_DNS and aggregate, so none of the sidecar defaults apply.
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
    Cluster.Builder cluster = Cluster.newBuilder()
        .setName(target.name())
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
            .setServiceName(target.name())
            .setEdsConfig(AdsConfigSource.ads()))
        .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN);
    target.rule().ifPresent(rule -> {
      TrafficPolicy rulePolicy = rule.rule().trafficPolicy();
      TrafficPolicy policy = target.subset().isEmpty()
          ? TrafficPolicies.forPort(rulePolicy, target.port().port())
          : TrafficPolicies.forSubset(rulePolicy, rule.subset(target.subset()).map(s -> s.trafficPolicy()).orElse(null),
              target.port().port());
      GrpcClusterPolicy.apply(cluster, policy);
    });
    return cluster.build();
  }
}
