package io.meshpilot.debughttp;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/** {@code /metrics} in Prometheus text format (see {@link MeshMetrics}). */
@Controller
final class MetricsController {
  private static final String PROMETHEUS_TEXT = PrometheusText.CONTENT_TYPE;

  private final MeshMetrics metrics;

  MetricsController(DebugSources sources) {
    this.metrics = sources.metrics();
  }

  @Get(uri = "/metrics", produces = PROMETHEUS_TEXT)
  @ExecuteOn(TaskExecutors.BLOCKING)
  HttpResponse<String> metrics() {
    return HttpResponse.ok(metrics.scrape()).contentType(PROMETHEUS_TEXT);
  }
}
