package io.meshpilot.debughttp;

import io.meshpilot.registry.ServiceRegistry;
import io.meshpilot.xds.XdsEvents;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * meshpilot's Prometheus metrics, with istiod's names: the registry's ({@code pilot_services},
 * rejected objects), the discovery side's (as {@link XdsEvents}), and the JVM's. One instance per
 * server, shared by the discovery side (which reports into it) and {@code /metrics}.
 */
public final class MeshMetrics implements XdsEvents, AutoCloseable {
  private final ServiceRegistry registry;
  private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

  public MeshMetrics(ServiceRegistry registry) {
    this.registry = registry;
    Gauge.builder("pilot.services", registry, r -> r.services().size())
        .description("Total services known to pilot.")
        .register(meters);
    new JvmMemoryMetrics().bindTo(meters);
    gcMetrics.bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);
    new UptimeMetrics().bindTo(meters);
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    // Kinds appear as objects are rejected; registering an existing counter again is a no-op.
    registry.rejectionCounts().keySet().forEach(kind ->
        FunctionCounter.builder("meshpilot.rejected.objects", registry,
                r -> r.rejectionCounts().getOrDefault(kind, 0L))
            .description("Objects rejected as invalid or unreadable since start, by kind.")
            .tag("kind", kind)
            .register(meters));
    return meters.scrape();
  }

  @Override
  public void close() {
    gcMetrics.close();
    meters.close();
  }
}
