package io.meshpilot.registry.kube;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link KubeSource} watches the cluster.
 *
 * @param useEndpointSlices watch discovery.k8s.io/v1 EndpointSlices (true) or core/v1 Endpoints (false)
 * @param crdRecheckInterval how often to look again for the ServiceEntry CRD while it is not installed
 */
public record KubeSourceOptions(boolean useEndpointSlices, Duration crdRecheckInterval) {
  public KubeSourceOptions {
    Objects.requireNonNull(crdRecheckInterval, "crdRecheckInterval");
    if (crdRecheckInterval.isNegative() || crdRecheckInterval.isZero()) {
      throw new IllegalArgumentException("crdRecheckInterval must be positive: " + crdRecheckInterval);
    }
  }

  /** EndpointSlices, and a CRD recheck every 30 seconds. */
  public static KubeSourceOptions defaults() {
    return new KubeSourceOptions(true, Duration.ofSeconds(30));
  }
}
