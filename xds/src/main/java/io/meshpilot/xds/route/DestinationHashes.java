package io.meshpilot.xds.route;

import io.envoyproxy.envoy.config.route.v3.RouteAction.HashPolicy;
import io.meshpilot.registry.networking.Destination;
import java.util.Optional;

/**
 * The consistent-hash policy a DestinationRule gives a route destination (istiod's
 * {@code HashForHTTPDestination}: subset port settings, subset, port settings, then the rule's own
 * load balancer). A route with one adds it to {@code hash_policy} and keeps retries on the same host.
 * {@link RouteGenerator} supplies one backed by {@link io.meshpilot.xds.cluster.HashPolicies}; a key
 * of the routes built with it must include what it depends on.
 */
@FunctionalInterface
public interface DestinationHashes {
  DestinationHashes NONE = destination -> Optional.empty();

  /** The hash policy for requests to this (FQDN) destination, if its DestinationRule sets one. */
  Optional<HashPolicy> forDestination(Destination destination);
}
