package io.meshpilot.registry;

import java.util.Set;

/**
 * What one registry update changed, so the push side can choose between a full push and an
 * endpoints-only push.
 *
 * @param services hostnames whose service definition changed (added, updated or removed)
 * @param endpoints hostnames whose endpoints changed while the service itself did not
 * @param configs DestinationRules, VirtualServices and Sidecars added, updated or removed (a full push)
 */
public record RegistryChange(Set<String> services, Set<String> endpoints, Set<ObjectKey> configs) {
  public RegistryChange {
    services = Set.copyOf(services);
    endpoints = Set.copyOf(endpoints);
    configs = Set.copyOf(configs);
  }

  /** A change to services and endpoints only. */
  public RegistryChange(Set<String> services, Set<String> endpoints) {
    this(services, endpoints, Set.of());
  }

  /** True when nothing changed. */
  public boolean isEmpty() {
    return services.isEmpty() && endpoints.isEmpty() && configs.isEmpty();
  }
}
