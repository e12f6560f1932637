package io.meshpilot.registry;

import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.networking.StoredConfig;
import io.meshpilot.registry.networking.TrafficConfigs;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The read side of the registry, used by xds and debug-http. Every returned value is immutable. */
public interface ServiceRegistry {
  /**
   * All services in istiod's aggregate order: Kubernetes services sorted by hostname, then
   * ServiceEntry services sorted by (creationTime, hostname, namespace, ObjectName).
   */
  List<Service> services();

  /**
   * The endpoints of the service with this hostname in this namespace, by shard: the shard key is
   * {@code <registry>/<cluster>} (e.g. {@code Kubernetes/Kubernetes}, {@code External/Kubernetes}).
   */
  Map<String, List<Endpoint>> endpointShards(String hostname, String namespace);

  /**
   * The accepted DestinationRules, VirtualServices and Sidecars; a new instance after every change
   * to any of them (empty until a source delivers one).
   */
  default TrafficConfigs trafficConfigs() {
    return TrafficConfigs.EMPTY;
  }

  /**
   * Every accepted Istio config object (DestinationRules, ServiceEntries, Sidecars, VirtualServices)
   * as istiod's config store lists it for {@code /debug/configz}: by kind in istiod's schema order,
   * then by namespace and name.
   */
  default List<StoredConfig> storedConfigs() {
    return List.of();
  }

  /** Objects currently rejected (invalid or unparseable), sorted by object key. */
  List<Rejection> rejections();

  /** How many objects were rejected since start, by kind: a counter that never goes down. */
  default Map<String, Long> rejectionCounts() {
    return Map.of();
  }

  /**
   * The last changes to this hostname: which object changed its service or its endpoints and
   * when, and the last object claiming it that was rejected. Empty if none was recorded.
   */
  default Optional<HostnameChanges> changes(String hostname) {
    return Optional.empty();
  }

  /** True once every source has delivered its initial state. */
  boolean synced();

  /** Sources still loading their initial state (empty once synced). */
  List<String> pendingSources();

  /** Registers a listener for subsequent changes. */
  void addListener(RegistryListener listener);
}
