package io.meshpilot.loadtest.measure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * What a load test run measured, printed as a table for people and as one {@code loadtest-json:}
 * line for scripts.
 *
 * @param setup the run's configuration as key → value (proxies, services, mode, server, JVM options...)
 * @param phases the phases in order
 * @param liveHeapBytes server live heap after a full GC with every proxy connected (JVM servers only)
 * @param rssBytes server VmRSS at the end
 * @param streamFailures ADS streams that ended in error, by gRPC status code
 * @param failedForGood proxies that exhausted their reconnects
 * @param neverSynced proxies that were never synced by the end of the first phase
 * @param nacks responses the client could not parse
 */
public record LoadTestReport(Map<String, Object> setup, List<PhaseResult> phases, OptionalLong liveHeapBytes,
    OptionalLong rssBytes, Map<String, Long> streamFailures, int failedForGood, int neverSynced, long nacks) {
  /** How the live heap is measured, for the table and the JSON. */
  public static final String HEAP_METHOD = "jcmd GC.class_histogram total (reachable objects after a full GC)";
  private static final String JSON_PREFIX = "loadtest-json: ";

  public LoadTestReport {
    setup = Collections.unmodifiableMap(new LinkedHashMap<>(setup));
    phases = List.copyOf(phases);
    streamFailures = Map.copyOf(streamFailures);
  }

  /** The human-readable table. */
  public String table() {
    StringBuilder out = new StringBuilder();
    out.append("meshpilot load test\n");
    setup.forEach((k, v) -> out.append(String.format(Locale.ROOT, "  %-24s %s%n", k, v)));
    out.append('\n');
    out.append(String.format(Locale.ROOT, "%-28s %11s %9s %9s %9s %9s %13s%n",
        "phase", "proxies", "p50 s", "p99 s", "max s", "wall s", "server CPU s"));
    for (PhaseResult phase : phases) {
      Distribution d = phase.latency();
      out.append(String.format(Locale.ROOT, "%-28s %11s %9s %9s %9s %9.2f %13s%n", phase.name(),
          phase.reached() + "/" + phase.proxies(), seconds(d.count(), d.p50()), seconds(d.count(), d.p99()),
          seconds(d.count(), d.max()), phase.wallSeconds(), optional(phase.serverCpuSeconds())));
    }
    out.append('\n');
    out.append("live heap after full GC:     ").append(megabytes(liveHeapBytes)).append("  (").append(HEAP_METHOD)
        .append(")\n");
    out.append("RSS at the end:              ").append(megabytes(rssBytes)).append('\n');
    long failures = streamFailures.values().stream().mapToLong(Long::longValue).sum();
    out.append("stream failures:             ").append(failures)
        .append(streamFailures.isEmpty() ? "" : " " + new TreeMap<>(streamFailures)).append('\n');
    out.append("proxies failed for good:     ").append(failedForGood).append('\n');
    out.append("proxies never synced:        ").append(neverSynced).append('\n');
    out.append("NACKs sent by the client:    ").append(nacks).append('\n');
    return out.toString();
  }

  /** The one-line JSON, with its {@code loadtest-json: } prefix. */
  public String jsonLine() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("setup", setup);
    Map<String, Object> phaseMap = new LinkedHashMap<>();
    for (PhaseResult phase : phases) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("proxies", phase.proxies());
      p.put("reached", phase.reached());
      p.put("p50_s", phase.latency().count() == 0 ? null : phase.latency().p50());
      p.put("p99_s", phase.latency().count() == 0 ? null : phase.latency().p99());
      p.put("max_s", phase.latency().count() == 0 ? null : phase.latency().max());
      p.put("wall_s", phase.wallSeconds());
      p.put("server_cpu_s", phase.serverCpuSeconds().isPresent() ? phase.serverCpuSeconds().getAsDouble() : null);
      phaseMap.put(phase.name(), p);
    }
    json.put("phases", phaseMap);
    json.put("live_heap_bytes", liveHeapBytes.isPresent() ? liveHeapBytes.getAsLong() : null);
    json.put("live_heap_method", HEAP_METHOD);
    json.put("rss_bytes", rssBytes.isPresent() ? rssBytes.getAsLong() : null);
    json.put("stream_failures", new TreeMap<>(streamFailures));
    json.put("failed_for_good", failedForGood);
    json.put("never_synced", neverSynced);
    json.put("nacks", nacks);
    try {
      return JSON_PREFIX + new ObjectMapper().writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("report is not serialisable", e);
    }
  }

  private static String seconds(int count, double value) {
    return count == 0 ? "-" : String.format(Locale.ROOT, "%.3f", value);
  }

  private static String optional(OptionalDouble value) {
    return value.isPresent() ? String.format(Locale.ROOT, "%.1f", value.getAsDouble()) : "n/a";
  }

  private static String megabytes(OptionalLong bytes) {
    return bytes.isPresent() ? String.format(Locale.ROOT, "%,d MB", bytes.getAsLong() / 1_000_000) : "n/a";
  }
}
