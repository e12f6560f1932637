package io.meshpilot.debughttp;

import io.meshpilot.registry.RegistryListener;
import io.meshpilot.registry.Rejection;
import io.meshpilot.registry.ServiceRegistry;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.networking.TrafficConfigs;
import java.util.List;
import java.util.Map;

/** A registry whose contents the test sets directly. */
final class FakeServiceRegistry implements ServiceRegistry {
  private volatile List<Service> services = List.of();
  private volatile List<Rejection> rejections = List.of();
  private volatile List<String> pendingSources = List.of();
  private volatile Map<String, Long> rejectionCounts = Map.of();
  private volatile TrafficConfigs trafficConfigs = TrafficConfigs.EMPTY;

  void setTrafficConfigs(TrafficConfigs configs) {
    this.trafficConfigs = configs;
  }

  @Override
  public TrafficConfigs trafficConfigs() {
    return trafficConfigs;
  }

  void setServices(List<Service> services) {
    this.services = List.copyOf(services);
  }

  void setRejections(List<Rejection> rejections) {
    this.rejections = List.copyOf(rejections);
  }

  void setRejectionCounts(Map<String, Long> counts) {
    this.rejectionCounts = Map.copyOf(counts);
  }

  @Override
  public Map<String, Long> rejectionCounts() {
    return rejectionCounts;
  }

  void setPendingSources(List<String> pending) {
    this.pendingSources = List.copyOf(pending);
  }

  @Override
  public List<Service> services() {
    return services;
  }

  @Override
  public Map<String, List<Endpoint>> endpointShards(String hostname, String namespace) {
    return Map.of();
  }

  @Override
  public List<Rejection> rejections() {
    return rejections;
  }

  @Override
  public boolean synced() {
    return pendingSources.isEmpty();
  }

  @Override
  public List<String> pendingSources() {
    return pendingSources;
  }

  @Override
  public void addListener(RegistryListener listener) {}
}
