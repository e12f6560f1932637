package io.meshpilot.debughttp;

import io.meshpilot.registry.ServiceRegistry;
import io.meshpilot.xds.XdsEvents;
import io.meshpilot.xds.conflict.GenerationConflicts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.meshpilot.xds.cache.XdsCache;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusNamingConvention;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * meshpilot's Prometheus metrics, with istiod's names, types, labels and buckets
 * (istio-xds.md §9): the registry's ({@code pilot_services}, rejected objects), the discovery
 * side's (as {@link XdsEvents}), and the JVM's. One instance per server, shared by the discovery
 * side (which reports into it), {@code /metrics} and {@code /debug/push_status} (it hands push
 * events on to a {@link PushStatus}).
 *
 * <p>istiod's counters have no {@code _total} suffix and its histograms no unit suffix. Its time
 * histograms are Micrometer timers (which keep nanosecond precision; a distribution summary would
 * round sub-unit values up to 1 for its buckets) named without Micrometer's {@code _seconds}
 * (see {@link IstiodNames}), and its counters are written by {@link PrometheusText}, which leaves
 * their names as they are.
 */
public final class MeshMetrics implements XdsEvents, AutoCloseable {
  static final String XDS_PUSHES = "pilot_xds_pushes";
  static final String PUSH_TRIGGERS = "pilot_push_triggers";
  static final String XDS_REJECTS = "pilot_total_xds_rejects";
  static final String EXPIRED_NONCE = "pilot_xds_expired_nonce";
  static final String CACHE_READS = "pilot_xds_cache_reads";
  static final String CACHE_EVICTIONS = "pilot_xds_cache_evictions";
  /** istiod's counters, exported under their plain names. */
  static final Set<String> ISTIOD_COUNTERS =
      Set.of(XDS_PUSHES, PUSH_TRIGGERS, XDS_REJECTS, EXPIRED_NONCE, CACHE_READS, CACHE_EVICTIONS);

  private static final double[] PUSH_TIME_BUCKETS = {.01, .1, .5, 1, 3, 5, 10, 20, 30};
  private static final double[] PROXY_TIME_BUCKETS = {.1, .5, 1, 3, 5, 10, 20, 30};
  private static final double[] CONTEXT_INIT_BUCKETS = {.01, .1, .5, 1, 3, 5};
  private static final double[] CONFIG_SIZE_BUCKETS = {1, 1e4, 1e6, 4e6, 1e7, 4e7};

  private final ServiceRegistry registry;
  private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
  private final PushStatus pushStatus;
  private final Set<String> rejectedKinds = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicLong> clientsByVersion = new ConcurrentHashMap<>();
  private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();

  /** One istiod counter with its {@code type} label. */
  private record CounterKey(String name, String type) {}
  private final Map<String, Timer> pushTimes = new ConcurrentHashMap<>();
  private final Map<String, DistributionSummary> configSizes = new ConcurrentHashMap<>();
  // Services in the last push context; -1 until the first one is built (then the registry's count).
  private final AtomicInteger contextServices = new AtomicInteger(-1);
  private final Timer convergenceTime;
  private final Timer queueTime;
  private final Timer debounceTime;
  private final Timer contextInitTime;

  public MeshMetrics(ServiceRegistry registry) {
    this.registry = registry;
    this.pushStatus = new PushStatus(Clock.systemUTC());
    meters.config().namingConvention(new IstiodNames());
    Gauge.builder("pilot.services", this, MeshMetrics::services)
        .description("Total services known to pilot.")
        .register(meters);
    Gauge.builder("meshpilot.config.conflicts", GenerationConflicts.shared(), c -> c.rejections().size())
        .description("Objects whose part of generated config is dropped now because another object holds it"
            + " (listed in /debug/rejectedz with source xds).")
        .register(meters);
    convergenceTime = timeHistogram("pilot.proxy.convergence.time",
        "Delay in seconds between config change and a proxy receiving all required configuration.",
        PROXY_TIME_BUCKETS, Map.of());
    queueTime = timeHistogram("pilot.proxy.queue.time",
        "Time in seconds, a proxy is in the push queue before being dequeued.",
        PROXY_TIME_BUCKETS, Map.of());
    debounceTime = timeHistogram("pilot.debounce.time",
        "Delay in seconds between the first config enters debouncing and the merged push request is"
            + " pushed into the push queue.",
        PUSH_TIME_BUCKETS, Map.of());
    contextInitTime = timeHistogram("pilot.pushcontext.init.seconds",
        "Total time in seconds Pilot takes to init pushContext.", CONTEXT_INIT_BUCKETS, Map.of());
    new JvmMemoryMetrics().bindTo(meters);
    gcMetrics.bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);
    new UptimeMetrics().bindTo(meters);
  }

  /** The Prometheus text exposition (format 0.0.4) of every metric. */
  public String scrape() {
    // Kinds appear as objects are rejected; each gets its counter once.
    registry.rejectionCounts().keySet().stream().filter(rejectedKinds::add).forEach(kind ->
        FunctionCounter.builder("meshpilot.rejected.objects", registry,
                r -> r.rejectionCounts().getOrDefault(kind, 0L))
            .description("Objects rejected as invalid or unreadable since start, by kind.")
            .tag("kind", kind)
            .register(meters));
    return PrometheusText.scrape(meters, ISTIOD_COUNTERS);
  }

  /**
   * Exports the resource cache across pushes as istiod's {@code PILOT_XDS_CACHE_STATS} does:
   * {@code pilot_xds_cache_reads{type="hit"|"miss"}}, {@code pilot_xds_cache_evictions} and
   * {@code pilot_xds_cache_size}.
   */
  public void bindResourceCache(XdsCache cache) {
    FunctionCounter.builder(CACHE_READS.replace('_', '.'), cache, XdsCache::hits)
        .description("Total number of xds cache xdsCacheReads.").tag("type", "hit").register(meters);
    FunctionCounter.builder(CACHE_READS.replace('_', '.'), cache, XdsCache::misses)
        .description("Total number of xds cache xdsCacheReads.").tag("type", "miss").register(meters);
    FunctionCounter.builder(CACHE_EVICTIONS.replace('_', '.'), cache, XdsCache::evictions)
        .description("Total number of xds cache evictions.").register(meters);
    Gauge.builder("pilot.xds.cache.size", cache, XdsCache::size)
        .description("Current size of xds cache").register(meters);
  }

  /** The last push, for {@code /debug/push_status}. */
  PushStatus pushStatus() {
    return pushStatus;
  }

  @Override
  public void proxyConnected(String version) {
    clients(version).incrementAndGet();
  }

  @Override
  public void proxyDisconnected(String version) {
    clients(version).decrementAndGet();
  }

  @Override
  public void pushed(String type, String typeUrl, Duration generateAndSend, long bytes) {
    counter(XDS_PUSHES, "Pilot build and send errors for lds, rds, cds and eds.", type).increment();
    pushTimes.computeIfAbsent(type, t -> timeHistogram("pilot.xds.push.time",
            "Total time in seconds Pilot takes to push lds, rds, cds and eds.", PUSH_TIME_BUCKETS,
            Map.of("type", t)))
        .record(generateAndSend);
    configSizes.computeIfAbsent(typeUrl, url -> histogram("pilot.xds.config.size.bytes",
            "Distribution of configuration sizes pushed to clients", CONFIG_SIZE_BUCKETS,
            Map.of("type", url)))
        .record(bytes);
    pushStatus.pushed(type, bytes);
  }

  @Override
  public void sendError(String type) {
    counter(XDS_PUSHES, "Pilot build and send errors for lds, rds, cds and eds.", type + "_senderr")
        .increment();
  }

  @Override
  public void rejected(String type, String proxyId, String error) {
    counter(XDS_REJECTS, "Total number of XDS responses from pilot rejected by proxy.", type)
        .increment();
  }

  @Override
  public void expiredNonce(String type) {
    counter(EXPIRED_NONCE, "Total number of XDS requests with an expired nonce.", type).increment();
  }

  @Override
  public void queued(Duration wait) {
    queueTime.record(wait);
  }

  @Override
  public void converged(Duration sincePushStart) {
    convergenceTime.record(sincePushStart);
    pushStatus.converged(sincePushStart);
  }

  @Override
  public void debounced(Duration window, int events, boolean full) {
    debounceTime.record(window);
  }

  @Override
  public void pushTrigger(String reason) {
    counter(PUSH_TRIGGERS,
        "Total number of times a push was triggered, labeled by reason for the push.", reason)
        .increment();
  }

  @Override
  public void pushContextBuilt(Duration took, int services) {
    contextInitTime.record(took);
    contextServices.set(services);
  }

  @Override
  public void pushStarted(PushStart push) {
    pushStatus.started(push);
  }

  @Override
  public void close() {
    gcMetrics.close();
    meters.close();
  }

  private int services() {
    int fromContext = contextServices.get();
    return fromContext >= 0 ? fromContext : registry.services().size();
  }

  private AtomicLong clients(String version) {
    return clientsByVersion.computeIfAbsent(version, v -> {
      AtomicLong count = new AtomicLong();
      Gauge.builder("pilot.xds", count, AtomicLong::get)
          .description("Number of endpoints connected to this pilot using XDS.")
          .tag("version", v)
          .strongReference(true)
          .register(meters);
      return count;
    });
  }

  /** A counter labelled {@code type}; {@link PrometheusText} writes it without {@code _total}. */
  private Counter counter(String name, String help, String type) {
    return counters.computeIfAbsent(new CounterKey(name, type), key ->
        Counter.builder(name).description(help).tag("type", type).register(meters));
  }

  /**
   * A histogram of plain values (bytes) with exactly these buckets plus +Inf: no base unit, so no
   * unit suffix, and no percentile buckets of Micrometer's own.
   */
  private DistributionSummary histogram(String name, String help, double[] buckets,
      Map<String, String> tags) {
    DistributionSummary.Builder builder = DistributionSummary.builder(name)
        .description(help)
        .serviceLevelObjectives(buckets)
        .publishPercentileHistogram(false);
    tags.forEach(builder::tag);
    return builder.register(meters);
  }

  /** A histogram of durations, exported in seconds, with exactly these buckets (seconds) plus +Inf. */
  private Timer timeHistogram(String name, String help, double[] bucketSeconds,
      Map<String, String> tags) {
    Timer.Builder builder = Timer.builder(name)
        .description(help)
        .serviceLevelObjectives(Arrays.stream(bucketSeconds)
            .mapToObj(s -> Duration.ofNanos(Math.round(s * 1e9)))
            .toArray(Duration[]::new))
        .publishPercentileHistogram(false);
    tags.forEach(builder::tag);
    return builder.register(meters);
  }

  /**
   * Prometheus names, except that istiod's {@code pilot_*} timers get no {@code _seconds} suffix
   * (istiod's exporter adds no unit suffixes); the JVM's keep Micrometer's usual names.
   */
  private static final class IstiodNames extends PrometheusNamingConvention {
    @Override
    public String name(String name, Meter.Type type, String baseUnit) {
      // Named as a unitless gauge is named: snake_case, sanitised, nothing appended.
      return name.startsWith("pilot.") ? super.name(name, Meter.Type.GAUGE, null)
          : super.name(name, type, baseUnit);
    }
  }
}
