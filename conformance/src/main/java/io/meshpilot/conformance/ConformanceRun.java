package io.meshpilot.conformance;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.meshpilot.conformance.diff.Comparison;
import io.meshpilot.conformance.diff.ConfigDumpView;
import io.meshpilot.conformance.diff.Section;
import io.meshpilot.conformance.peers.ControlPlaneProcess;
import io.meshpilot.conformance.peers.Fixtures;
import io.meshpilot.conformance.peers.Istiod;
import io.meshpilot.conformance.peers.Kubectl;
import io.meshpilot.conformance.peers.Meshpilot;
import io.meshpilot.conformance.report.ConformanceReport;
import io.meshpilot.loadtest.client.Backoff;
import io.meshpilot.loadtest.client.FleetSettings;
import io.meshpilot.loadtest.client.ProxyView;
import io.meshpilot.loadtest.client.SidecarFleet;
import io.meshpilot.loadtest.client.SidecarNode;
import io.meshpilot.loadtest.client.ViewWatch;
import io.meshpilot.registry.realcluster.RealApiServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One conformance run: a real etcd + kube-apiserver with Istio's CRDs and the fixture mesh; istiod
 * and meshpilot both watching it; the same simulated sidecars (one per fixture proxy pod) connected
 * to each; once both have settled, their registryz and each proxy's config dump compared.
 */
final class ConformanceRun {
  private static final Logger log = LoggerFactory.getLogger(ConformanceRun.class);
  /** What the simulated pilot-agents report: the istiod under test is 1.31. */
  static final String ISTIO_VERSION = "1.31.0";
  private static final Duration SYNC_WITHIN = Duration.ofMinutes(3);
  private static final Duration SETTLE_WITHIN = Duration.ofMinutes(2);

  private final ConformanceCommand options;

  ConformanceRun(ConformanceCommand options) {
    this.options = options;
  }

  ConformanceReport run() throws IOException, InterruptedException {
    Path work = Files.createDirectories(options.workDir);
    Path mesh = Files.writeString(work.resolve("mesh.yaml"), "rootNamespace: istio-system\n");
    Path networks = Files.writeString(work.resolve("networks.yaml"), "{}\n");
    try (RealApiServer api = RealApiServer.start()) {
      Path kubeconfig = Files.copy(api.kubeconfig(), work.resolve("kubeconfig"),
          StandardCopyOption.REPLACE_EXISTING);
      Fixtures fixtures = new Fixtures(new Kubectl(options.kubectl, kubeconfig));
      fixtures.installCrds(options.crds);
      fixtures.apply(options.fixtures);
      List<SidecarNode> proxies = fixtures.proxies(ISTIO_VERSION);
      log.info("fixture mesh loaded from {}; {} proxies: {}", options.fixtures, proxies.size(),
          proxies.stream().map(ConformanceRun::proxyId).toList());
      try (ControlPlaneProcess istiod = Istiod.start(options.istiod, kubeconfig, mesh, networks, work);
           ControlPlaneProcess meshpilot = Meshpilot.start(options.meshpilotJar, kubeconfig, mesh, work)) {
        fixtures.touchEndpointSlices();
        Snapshot expected = observe(istiod, proxies);
        Snapshot actual = observe(meshpilot, proxies);
        expected.save(work.resolve(istiod.name()));
        actual.save(work.resolve(meshpilot.name()));
        Comparison comparison = new Comparison();
        comparison.registryz(expected.registryz(), actual.registryz());
        for (SidecarNode proxy : proxies) {
          comparison.configDump(proxyId(proxy), expected.dumps().get(proxyId(proxy)), actual.dumps().get(proxyId(proxy)));
        }
        return new ConformanceReport(header(proxies, istiod, meshpilot), comparison.differences(),
            comparison.ignoredInIstiod(), comparison.ignoredInMeshpilot());
      }
    }
  }

  /** What one control plane serves once the sidecars are synced and its answers stop changing. */
  private Snapshot observe(ControlPlaneProcess server, List<SidecarNode> proxies) throws InterruptedException {
    FleetSettings settings = new FleetSettings("127.0.0.1", server.xdsPort(), proxies.size(), 1, 10, false,
        Backoff.envoyDefaults(), 20);
    try (SidecarFleet fleet = new SidecarFleet(settings, proxies::get)) {
      ViewWatch synced = fleet.watch(ProxyView::synced);
      fleet.connectAll();
      if (!synced.await(SYNC_WITHIN.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException(server.name() + ": only " + synced.reached() + " of " + proxies.size()
            + " sidecars synced within " + SYNC_WITHIN + " (stream failures " + fleet.failuresByCode() + ", NACKs "
            + fleet.nacks() + "); log " + server.log() + ":\n" + server.logTail());
      }
      // istiod keeps pushing for a moment after the first sync (e.g. ServiceEntry addresses it
      // allocates and writes back): compare only answers that no longer change.
      AtomicReference<Snapshot> last = new AtomicReference<>();
      AtomicReference<Snapshot> stable = new AtomicReference<>();
      await(server.name() + " answers settle").atMost(SETTLE_WITHIN).pollInterval(Duration.ofSeconds(2))
          .until(() -> {
            Snapshot now = snapshot(server, proxies);
            if (now.equals(last.getAndSet(now))) {
              stable.set(now);
              return true;
            }
            return false;
          });
      log.info("{}: {} sidecars synced, answers settled", server.name(), proxies.size());
      return stable.get();
    }
  }

  private static Snapshot snapshot(ControlPlaneProcess server, List<SidecarNode> proxies) {
    Map<String, JsonNode> dumps = new LinkedHashMap<>();
    for (SidecarNode proxy : proxies) {
      dumps.put(proxyId(proxy), server.debugJson("/debug/config_dump?proxyID=" + proxyId(proxy) + "&include_eds=true"));
    }
    return new Snapshot(server.debugJson("/debug/registryz"), dumps);
  }

  private List<String> header(List<SidecarNode> proxies, ControlPlaneProcess istiod, ControlPlaneProcess meshpilot) {
    List<String> out = new ArrayList<>();
    out.add("istiod: `" + options.istiod + "` (log `" + istiod.log() + "`)");
    out.add("meshpilot: `" + options.meshpilotJar + "` (log `" + meshpilot.log() + "`)");
    out.add("fixtures: `" + options.fixtures + "`; CRDs: `" + options.crds + "`");
    out.add("proxies (ISTIO_VERSION " + ISTIO_VERSION + "): " + String.join(", ", proxies.stream()
        .map(p -> "`" + proxyId(p) + "` " + p.ips()).toList()));
    out.add("compared: /debug/registryz; per proxy /debug/config_dump?include_eds=true (" + String.join(", ",
        Arrays.stream(Section.values()).filter(s -> s != Section.REGISTRYZ).map(Section::label).toList())
        + ")");
    return out;
  }

  /** istiod's proxy id for {@code ?proxyID=}: {@code <pod>.<namespace>}. */
  static String proxyId(SidecarNode proxy) {
    return proxy.pod() + "." + proxy.namespace();
  }

  /**
   * One server's answers at one moment; equal when the compared content is (versions and update
   * times in the dumps do not count).
   */
  private record Snapshot(JsonNode registryz, Map<String, JsonNode> dumps) {
    /** Writes each answer as {@code registryz.json} and {@code <proxy>.json} under {@code dir}, for inspection. */
    void save(Path dir) throws IOException {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("registryz.json"), registryz.toPrettyString());
      for (Map.Entry<String, JsonNode> dump : dumps.entrySet()) {
        Files.writeString(dir.resolve(dump.getKey() + ".json"), dump.getValue().toPrettyString());
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Snapshot other && registryz.equals(other.registryz) && content().equals(other.content());
    }

    @Override
    public int hashCode() {
      return Objects.hash(registryz, content());
    }

    private Map<String, List<Map<String, JsonNode>>> content() {
      Map<String, List<Map<String, JsonNode>>> out = new LinkedHashMap<>();
      dumps.forEach((proxy, dump) -> {
        ConfigDumpView view = ConfigDumpView.of(dump);
        out.put(proxy, Arrays.stream(Section.values()).map(view::section).toList());
      });
      return out;
    }
  }
}
