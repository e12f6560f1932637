package io.meshpilot.xds.traffic;

import io.meshpilot.registry.Rejection;
import io.meshpilot.registry.RegistryListener;
import io.meshpilot.registry.ServiceRegistry;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.networking.TrafficConfigs;
import java.util.List;
import java.util.Map;

/**
 * A registry whose services come from another one and whose traffic configs a test sets: the
 * config sources are another component's, generators only read {@link ServiceRegistry#trafficConfigs}.
 */
public final class TrafficRegistry implements ServiceRegistry {
  private final ServiceRegistry services;
  private volatile TrafficConfigs traffic = TrafficConfigs.EMPTY;

  public TrafficRegistry(ServiceRegistry services) {
    this.services = services;
  }

  /** Publishes a new snapshot (a new instance, as the real registry does on every change). */
  public TrafficRegistry set(TrafficConfigs configs) {
    this.traffic = configs;
    return this;
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
    services.addListener(listener);
  }
}
