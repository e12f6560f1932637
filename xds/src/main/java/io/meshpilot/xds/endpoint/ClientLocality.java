package io.meshpilot.xds.endpoint;

import io.envoyproxy.envoy.config.core.v3.Locality;
import io.meshpilot.registry.TopologyLabels;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.view.PushContext;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What of a proxy locality load balancing depends on: where it runs, and the values of the labels
 * failoverPriority names (its workload labels with the topology labels istiod adds to them:
 * region, zone, subzone, cluster, node). Proxies with equal values get equal priorities and weights.
 * As istiod reads them from the proxy's pod, they come from the registry when the proxy is an
 * endpoint of a service selecting it (the pod's locality label, else its node's topology labels),
 * else from the proxy's own metadata and {@code node.locality} ({@link Proxy#locality}).
 *
 * @param locality the proxy's region, zone and subzone
 * @param labels the proxy's values of the failoverPriority labels that matter ({@code ""} when it
 *     has none), by label name
 */
public record ClientLocality(Locality locality, Map<String, String> labels) {
  /** The value for proxies whose endpoints depend on no locality. */
  public static final ClientLocality NONE = new ClientLocality(Locality.getDefaultInstance(), Map.of());

  public ClientLocality {
    labels = Map.copyOf(labels);
  }

  /**
   * The proxy's locality and its values of these failoverPriority entries (a {@code label=value}
   * entry names {@code label}).
   */
  static ClientLocality of(Proxy proxy, PushContext push, Collection<String> failoverPriority) {
    Optional<Endpoint> own = push.ownEndpoint(proxy);
    String locality = own.map(e -> e.locality().label()).filter(l -> !l.isEmpty()).orElse(proxy.locality());
    Map<String, String> augmented = failoverPriority.isEmpty() ? Map.of()
        : TopologyLabels.augment(own.map(Endpoint::labels).orElse(proxy.labels()), proxy.clusterId(), locality,
            "", "");
    Map<String, String> values = new TreeMap<>();
    for (String entry : failoverPriority) {
      String label = FailoverPriority.labelName(entry);
      values.put(label, augmented.getOrDefault(label, ""));
    }
    return new ClientLocality(LocalityEndpoints.locality(locality), values);
  }

  /** What of the proxy a cluster's endpoints depend on under this policy ({@link #NONE} without one). */
  public static ClientLocality of(Proxy proxy, PushContext push, Optional<LocalityLbPolicy> policy) {
    return policy.map(p -> of(proxy, push, p.failoverPriority())).orElse(NONE);
  }

  /**
   * What of the proxy its endpoint responses depend on in this push: {@link #NONE} unless some
   * cluster's endpoints are shaped by locality load balancing (then proxies of one locality, and
   * equal failoverPriority labels, still share them).
   */
  public static ClientLocality forEndpoints(Proxy proxy, PushContext push) {
    return LocalityLbPolicy.inPush(push).map(labels -> of(proxy, push, labels)).orElse(NONE);
  }

  /** The proxy's value of a label ({@code ""} when it has none). */
  String label(String name) {
    return labels.getOrDefault(name, "");
  }
}
