package io.meshpilot.registry.kube;

import java.time.Duration;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * How {@link KubeSource} watches the cluster.
 *
 * @param useEndpointSlices watch discovery.k8s.io/v1 EndpointSlices (true) or core/v1 Endpoints (false)
 * @param crdRecheckInterval how often to look again for Istio CRDs (ServiceEntry, DestinationRule,
 *     VirtualService, Sidecar) that are not installed
 * @param namespaces watch Services, EndpointSlices/Endpoints, Pods and the Istio kinds only in these
 *     namespaces (one informer per namespace and kind); empty watches every namespace. Nodes are
 *     cluster-scoped and always watched.
 */
public record KubeSourceOptions(boolean useEndpointSlices, Duration crdRecheckInterval, Set<String> namespaces) {
  public KubeSourceOptions {
    Objects.requireNonNull(crdRecheckInterval, "crdRecheckInterval");
    if (crdRecheckInterval.isNegative() || crdRecheckInterval.isZero()) {
      throw new IllegalArgumentException("crdRecheckInterval must be positive: " + crdRecheckInterval);
    }
    for (String namespace : namespaces) {
      if (namespace == null || namespace.isBlank()) {
        throw new IllegalArgumentException("namespaces must not contain blank names: " + namespaces);
      }
    }
    namespaces = Collections.unmodifiableSortedSet(new TreeSet<>(namespaces));
  }

  /** Every namespace. */
  public KubeSourceOptions(boolean useEndpointSlices, Duration crdRecheckInterval) {
    this(useEndpointSlices, crdRecheckInterval, Set.of());
  }

  /** EndpointSlices, and a CRD recheck every 30 seconds. */
  public static KubeSourceOptions defaults() {
    return new KubeSourceOptions(true, Duration.ofSeconds(30));
  }

  /** The same options, watching only {@code names} (empty: all namespaces). */
  public KubeSourceOptions withNamespaces(Set<String> names) {
    return new KubeSourceOptions(useEndpointSlices, crdRecheckInterval, names);
  }
}
