package io.meshpilot.debughttp;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Prometheus text format 0.0.4 as istiod's exporter writes it. The Prometheus client library's
 * writer always names a counter's samples {@code <name>_total}; istiod's OpenTelemetry exporter is
 * configured without that suffix ({@code pilot_xds_pushes{type="cds"} 3}). So the named istiod
 * counters are written here, from the registry's snapshot, under their plain name and still typed
 * {@code counter}; everything else is written by Micrometer's own scrape, asked for the other
 * names only (so a scrape reads the registry twice: once for the names, once to write). Micrometer's
 * {@code <histogram>_max} gauges are left out for istiod's {@code pilot_*} histograms, which have
 * no such series in istiod. Format 0.0.4 allows a counter of any name (OpenMetrics would not),
 * which is why {@code /metrics} always answers in 0.0.4.
 */
final class PrometheusText {
  /** The content type of Prometheus text format 0.0.4. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final String ISTIOD_PREFIX = "pilot_";

  private PrometheusText() {}

  /**
   * The exposition of every metric in the registry.
   *
   * @param plainCounters counters written without the {@code _total} suffix
   */
  static String scrape(PrometheusMeterRegistry meters, Set<String> plainCounters) {
    MetricSnapshots snapshots = meters.getPrometheusRegistry().scrape();
    Set<String> skipped = new HashSet<>();
    for (MetricSnapshot snapshot : snapshots) {
      String name = snapshot.getMetadata().getPrometheusName();
      if (snapshot instanceof HistogramSnapshot && name.startsWith(ISTIOD_PREFIX)) {
        skipped.add(name + "_max");
      }
    }
    Set<String> library = new HashSet<>();
    List<CounterSnapshot> plain = new ArrayList<>();
    for (MetricSnapshot snapshot : snapshots) {
      String name = snapshot.getMetadata().getPrometheusName();
      if (snapshot instanceof CounterSnapshot counter && plainCounters.contains(name)) {
        plain.add(counter);
      } else if (!skipped.contains(name)) {
        library.add(name);
      }
    }
    StringBuilder text = new StringBuilder(meters.scrape(CONTENT_TYPE, library));
    plain.forEach(counter -> writePlainCounter(text, counter));
    return text.toString();
  }

  private static void writePlainCounter(StringBuilder text, CounterSnapshot counter) {
    String name = counter.getMetadata().getPrometheusName();
    String help = counter.getMetadata().getHelp();
    if (help != null && !help.isEmpty()) {
      text.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
    }
    text.append("# TYPE ").append(name).append(" counter\n");
    for (CounterDataPointSnapshot point : counter.getDataPoints()) {
      text.append(name);
      Labels labels = point.getLabels();
      if (!labels.isEmpty()) {
        text.append('{');
        for (int i = 0; i < labels.size(); i++) {
          text.append(i == 0 ? "" : ",").append(labels.getPrometheusName(i)).append("=\"")
              .append(escapeLabelValue(labels.getValue(i))).append('"');
        }
        text.append('}');
      }
      text.append(' ').append(number(point.getValue())).append('\n');
    }
  }

  static String number(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    return Double.toString(value);
  }

  private static String escapeHelp(String help) {
    return help.replace("\\", "\\\\").replace("\n", "\\n");
  }

  private static String escapeLabelValue(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
