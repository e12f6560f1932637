package io.meshpilot.xds.grpc;

import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.meshpilot.xds.endpoint.ClientLocality;
import io.meshpilot.xds.endpoint.LocalityEndpoints;
import io.meshpilot.xds.endpoint.LocalityLbPolicy;
import io.meshpilot.xds.endpoint.SubsetEndpoints;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.view.PushContext;
import java.util.Optional;

/**
 * EDS for proxyless gRPC (istio-xds.md §5.6): the sidecar's locality grouping and health filter,
 * whose localities always carry a weight of at least 1 (gRPC drops localities without one), for
 * every cluster {@link GrpcClusterGenerator} serves, headless services included. Any other name gets
 * an empty assignment of that name. A subset cluster's holds the endpoints with the subset's labels.
 * Locality load balancing applies as for sidecars (istiod builds both with one endpoint builder).
 */
public final class GrpcEndpointGenerator {
  private GrpcEndpointGenerator() {}

  public static ClusterLoadAssignment generate(String clusterName, Proxy proxy, PushContext push) {
    ClusterLoadAssignment.Builder cla = ClusterLoadAssignment.newBuilder().setClusterName(clusterName);
    ClusterTarget.resolve(clusterName, proxy, push).ifPresent(target -> {
      Optional<LocalityLbPolicy> locality = LocalityLbPolicy.forEndpoints(target.rule(), target.subset(),
          target.service(), target.port().port(), push.settings().localityLbSetting());
      ClientLocality client = ClientLocality.of(proxy, push, locality);
      cla.addAllEndpoints(LocalityEndpoints.build(target.service(), SubsetEndpoints.select(
          push.endpoints(target.service(), target.port()), target.subsetLabels()), locality, client));
    });
    return cla.build();
  }
}
