package io.meshpilot.debughttp;

import io.meshpilot.registry.ServiceRegistry;
import io.meshpilot.xds.MeshDiscovery;
import java.util.Objects;
import java.util.Optional;

/**
 * What the HTTP endpoints show: the registry, the discovery side when xDS is served (sync status,
 * generated config), and the metrics.
 */
public record DebugSources(ServiceRegistry registry, Optional<MeshDiscovery> discovery, MeshMetrics metrics) {
  public DebugSources {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(discovery, "discovery");
    Objects.requireNonNull(metrics, "metrics");
  }

  /** Registry-only sources (no xDS), with fresh metrics. */
  public static DebugSources of(ServiceRegistry registry) {
    return new DebugSources(registry, Optional.empty(), new MeshMetrics(registry));
  }
}
