package io.meshpilot.debughttp;

import io.meshpilot.registry.ServiceRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import jakarta.annotation.PreDestroy;

/**
 * {@code /metrics} in Prometheus text format: istiod's {@code pilot_services}, meshpilot's
 * {@code meshpilot_rejected_objects_total{kind}}, and JVM metrics.
 */
@Controller
final class MetricsController {
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final ServiceRegistry registry;
  private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

  MetricsController(ServiceRegistry registry) {
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

  @Get(uri = "/metrics", produces = PROMETHEUS_TEXT)
  @ExecuteOn(TaskExecutors.BLOCKING)
  HttpResponse<String> metrics() {
    // Kinds appear as objects are rejected; registering an existing counter again is a no-op.
    registry.rejectionCounts().keySet().forEach(kind ->
        FunctionCounter.builder("meshpilot.rejected.objects", registry,
                r -> r.rejectionCounts().getOrDefault(kind, 0L))
            .description("Objects rejected as invalid or unreadable since start, by kind.")
            .tag("kind", kind)
            .register(meters));
    return HttpResponse.ok(meters.scrape()).contentType(PROMETHEUS_TEXT);
  }

  @PreDestroy
  void close() {
    gcMetrics.close();
    meters.close();
  }
}
