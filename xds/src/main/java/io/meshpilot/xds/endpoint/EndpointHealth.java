package io.meshpilot.xds.endpoint;

import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.HealthStatus;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.networking.DestinationRule;
import java.util.List;

/**
 * Which endpoints istiod (1.31 defaults) sends to sidecars (reference istio-xds.md §4.2, §4.3):
 * Terminating never; Unhealthy for services that "support unhealthy endpoints", which with
 * {@code PILOT_AUTO_SEND_UNHEALTHY_ENDPOINTS} (default true) is every service; Draining only for
 * persistent-session services.
 */
public final class EndpointHealth {
  private static final String PERSISTENT_SESSION = "istio.io/persistent-session";
  private static final String PERSISTENT_SESSION_HEADER = "istio.io/persistent-session-header";

  private EndpointHealth() {}

  /**
   * istiod 1.31's {@code PILOT_AUTO_SEND_UNHEALTHY_ENDPOINTS} default: unhealthy endpoints are sent
   * (Envoy keeps them out of load balancing) and panic mode is off, so traffic never spills onto them.
   */
  private static final boolean AUTO_SEND_UNHEALTHY = true;

  /** True when unhealthy endpoints are sent, and the cluster then gets {@code healthy_panic_threshold: 0}. */
  public static boolean supportsUnhealthy(Service service) {
    return AUTO_SEND_UNHEALTHY || forcesUnhealthy(service);
  }

  /**
   * istiod's ForcesSupportUnhealthyEndpoints: the service needs unhealthy endpoints whatever its
   * DestinationRule says (trafficDistribution spills over by endpoint health), so even an outlier
   * detection's {@code minHealthPercent} leaves the panic threshold at 0.
   */
  public static boolean forcesUnhealthy(Service service) {
    return service.attributes().trafficDistribution() != 0;
  }

  /**
   * istiod's supportsUnhealthyEndpoints for one cluster: a service that sends unhealthy endpoints
   * leaves them out where the cluster's policy has outlier detection with a {@code minHealthPercent}
   * above 0, since Envoy's panic threshold would otherwise route to them (unless the service forces
   * them, see {@link #forcesUnhealthy}).
   *
   * @param policy the cluster's merged traffic policy, or {@code null}
   */
  static boolean sendsUnhealthy(Service service, DestinationRule.TrafficPolicy policy) {
    if (forcesUnhealthy(service)) {
      return true;
    }
    if (!supportsUnhealthy(service)) {
      return false;
    }
    return policy == null || policy.outlierDetection() == null || policy.outlierDetection().minHealthPercent() == null
        || policy.outlierDetection().minHealthPercent() <= 0;
  }

  /** The endpoints without the unhealthy ones, for a cluster that does not send them. */
  static List<Endpoint> withoutUnhealthy(List<Endpoint> endpoints) {
    return endpoints.stream().filter(e -> e.health() != HealthStatus.UNHEALTHY).toList();
  }

  /** True when the endpoint is sent at all. */
  static boolean sent(Service service, Endpoint endpoint) {
    if (endpoint.address().isEmpty()) {
      return false;
    }
    return switch (endpoint.health()) {
      case UNKNOWN, HEALTHY -> true;
      case UNHEALTHY -> supportsUnhealthy(service);
      case DRAINING -> persistentSession(service);
      case TERMINATING -> false;
    };
  }

  static io.envoyproxy.envoy.config.core.v3.HealthStatus envoyStatus(HealthStatus health) {
    return switch (health) {
      case UNKNOWN -> io.envoyproxy.envoy.config.core.v3.HealthStatus.UNKNOWN; // the default: not on the wire
      case HEALTHY -> io.envoyproxy.envoy.config.core.v3.HealthStatus.HEALTHY;
      case UNHEALTHY -> io.envoyproxy.envoy.config.core.v3.HealthStatus.UNHEALTHY;
      case DRAINING, TERMINATING -> io.envoyproxy.envoy.config.core.v3.HealthStatus.DRAINING;
    };
  }

  private static boolean persistentSession(Service service) {
    return service.attributes().labels().containsKey(PERSISTENT_SESSION)
        || service.attributes().labels().containsKey(PERSISTENT_SESSION_HEADER);
  }
}
