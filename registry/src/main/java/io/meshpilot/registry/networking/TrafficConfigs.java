package io.meshpilot.registry.networking;

import java.util.List;

/**
 * Every accepted DestinationRule, VirtualService and Sidecar at one moment, each list in istiod's
 * order ({@link IstioConfig#ISTIO_ORDER}). Immutable: the registry publishes a new instance on every
 * change, so generators can key caches by its identity.
 */
public record TrafficConfigs(List<IstioConfig<DestinationRule>> destinationRules,
    List<IstioConfig<VirtualService>> virtualServices, List<IstioConfig<Sidecar>> sidecars) {
  public static final TrafficConfigs EMPTY = new TrafficConfigs(List.of(), List.of(), List.of());

  public TrafficConfigs {
    destinationRules = List.copyOf(destinationRules);
    virtualServices = List.copyOf(virtualServices);
    sidecars = List.copyOf(sidecars);
  }

  public boolean isEmpty() {
    return destinationRules.isEmpty() && virtualServices.isEmpty() && sidecars.isEmpty();
  }
}
