package io.meshpilot.xds.traffic;

import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.RegistryChange;
import io.meshpilot.registry.Rejection;
import io.meshpilot.registry.RegistryListener;
import io.meshpilot.registry.ServiceRegistry;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.networking.TrafficConfigs;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A registry whose services come from another one and whose traffic configs a test sets: the
 * config sources are another component's, generators only read {@link ServiceRegistry#trafficConfigs}.
 */
public final class TrafficRegistry implements ServiceRegistry {
  private final ServiceRegistry services;
  private final List<RegistryListener> listeners = new CopyOnWriteArrayList<>();
  private volatile TrafficConfigs traffic = TrafficConfigs.EMPTY;

  public TrafficRegistry(ServiceRegistry services) {
    this.services = services;
  }

  /**
   * Publishes a new snapshot (a new instance, as the real registry does on every change) and tells
   * listeners which configs it changed, as the registry's config sources do.
   */
  public TrafficRegistry set(TrafficConfigs configs) {
    Set<ObjectKey> changed = new HashSet<>(keys(traffic));
    changed.addAll(keys(configs));
    this.traffic = configs;
    RegistryChange change = new RegistryChange(Set.of(), Set.of(), changed);
    listeners.forEach(l -> l.onChange(change));
    return this;
  }

  private static Set<ObjectKey> keys(TrafficConfigs configs) {
    Set<ObjectKey> keys = new HashSet<>();
    configs.virtualServices().forEach(c -> keys.add(c.meta().key()));
    configs.destinationRules().forEach(c -> keys.add(c.meta().key()));
    configs.sidecars().forEach(c -> keys.add(c.meta().key()));
    return keys;
  }

  @Override
  public TrafficConfigs trafficConfigs() {
    return traffic;
  }

  @Override
  public List<Service> services() {
    return services.services();
  }

  @Override
  public Map<String, List<Endpoint>> endpointShards(String hostname, String namespace) {
    return services.endpointShards(hostname, namespace);
  }

  @Override
  public List<Rejection> rejections() {
    return services.rejections();
  }

  @Override
  public boolean synced() {
    return services.synced();
  }

  @Override
  public List<String> pendingSources() {
    return services.pendingSources();
  }

  @Override
  public void addListener(RegistryListener listener) {
    listeners.add(listener);
    services.addListener(listener);
  }
}
