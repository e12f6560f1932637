package io.meshpilot.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.controlplane.Meshpilot;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The commands end to end against fake meshpilot and Envoy admin servers serving recorded JSON. */
class ProxyCommandsTest {
  private static final String PROXY = ConfigDumpFixture.PROXY;
  private static final String DUMP_PATH = "/debug/config_dump?proxyID=" + PROXY;

  private FakeHttpServer meshpilot;
  private FakeHttpServer envoy;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private String dump;

  @BeforeEach
  void start() throws Exception {
    dump = ConfigDumpFixture.recorded();
    meshpilot = new FakeHttpServer()
        .serve("/debug/syncz", Files.readString(Path.of("src/test/resources/cli/syncz.json")))
        .serve(DUMP_PATH, dump)
        .serve(DUMP_PATH + "&include_eds", dump);
    envoy = new FakeHttpServer()
        .serve("/config_dump", ConfigComparisonTest.asEnvoyDumps(JsonText.parse(dump)).toString());
  }

  @AfterEach
  void stop() {
    meshpilot.close();
    envoy.close();
  }

  private int run(CommandLine cli, String... args) {
    return cli.setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
  }

  private int meshpilot(String... args) {
    return run(Meshpilot.commandLine(), args);
  }

  private CommandLine proxyStatusAt(String instant) {
    Clock clock = Clock.fixed(Instant.parse(instant), ZoneId.of("UTC"));
    return new CommandLine(new ProxyStatusCommand().withClock(clock)).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Test
  void proxyStatusPrintsTheTableWithThisServerAsIstiod() {
    int exit = run(proxyStatusAt("2026-11-01T10:00:00Z"), "--pilot", meshpilot.url());

    assertThat(exit).isZero();
    assertThat(out.toString()).startsWith("NAME ")
        .contains("reviews-v1-7d9f8b6c5d-v1x4k.default         Kubernetes     SYNCED (2m3s)     SYNCED (5s)     STALE (2s)     NOT SENT        127.0.0.1:" + meshpilot.port())
        .contains("productpage-v1-7d9f8b6c5d-v1x4k.default CDS rejected at 2026-11-01T08:59:01Z: cluster");
  }

  @Test
  void proxyStatusAsksForOneNamespaceAndPrintsJson() {
    meshpilot.serve("/debug/syncz?namespace=default", "[]");

    int exit = meshpilot("proxy-status", "--pilot", meshpilot.url(), "-n", "default", "-o", "json");

    assertThat(exit).isZero();
    assertThat(out.toString()).isEqualTo("[]\n");
    assertThat(meshpilot.requests()).containsExactly("/debug/syncz?namespace=default");
  }

  @Test
  void proxyStatusWithEnvoyAdminReportsMatchingSections() {
    int exit = run(proxyStatusAt("2026-11-01T10:00:00Z"), PROXY, "--pilot", meshpilot.url(), "--envoy-admin", envoy.url());

    assertThat(exit).isZero();
    assertThat(out.toString()).isEqualTo("""
        Clusters Match
        Listeners Match
        Routes Match (RDS last loaded at Sun, 01 Nov 2026 09:00:05 UTC)
        """);
    assertThat(meshpilot.requests()).containsExactly(DUMP_PATH);
  }

  @Test
  void proxyConfigClustersPrintsIstioctlsTableForTheProxy() {
    int exit = meshpilot("proxy-config", "clusters", PROXY, "--pilot", meshpilot.url(), "--fqdn", "reviews");

    assertThat(exit).isZero();
    assertThat(out.toString()).isEqualTo(ClusterTable.render(ConfigDump.parse(dump).clusters(),
        new ClusterTable.Filter("reviews", 0, "", "")));
    assertThat(meshpilot.requests()).containsExactly(DUMP_PATH);
  }

  @Test
  void proxyConfigJsonOutputIsTheSelectedConfig() {
    int exit = meshpilot("pc", "routes", PROXY, "--pilot", meshpilot.url(), "--name", "9080", "-o", "json");

    assertThat(exit).isZero();
    var routes = JsonText.parse(out.toString());
    assertThat(routes).hasSize(1);
    assertThat(routes.get(0).path("name").asText()).isEqualTo("9080");
  }

  @Test
  void proxyConfigEndpointsAsksForEds() {
    int exit = meshpilot("proxy-config", "endpoints", PROXY, "--pilot", meshpilot.url(), "--cluster",
        "outbound|9080||reviews.default.svc.cluster.local");

    assertThat(exit).isZero();
    assertThat(out.toString().lines()).hasSize(4);
    assertThat(meshpilot.requests()).containsExactly(DUMP_PATH + "&include_eds");
  }

  @Test
  void traceExitsNonZeroWhenTheRequestIsDropped() {
    assertThat(meshpilot("proxy-config", "trace", PROXY, "http://reviews:9080/", "--pilot", meshpilot.url())).isZero();
    assertThat(meshpilot("proxy-config", "trace", PROXY, "tcp://10.0.0.1:15001", "--pilot", meshpilot.url())).isOne();
    assertThat(out.toString()).contains("dropped     BlackHoleCluster");
  }

  @Test
  void unknownProxyIsOneLineOnStderr() {
    int exit = meshpilot("proxy-config", "listeners", "nope.default", "--pilot", meshpilot.url());

    assertThat(exit).isOne();
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).startsWith("meshpilot proxy-config listeners: GET ")
        .contains("HTTP 404: Proxy not connected to this Pilot instance.");
  }

  @Test
  void unreachableServerIsReportedPlainly() {
    int port = meshpilot.port();
    meshpilot.close();

    int exit = meshpilot("proxy-status", "--pilot", "http://127.0.0.1:" + port);

    assertThat(exit).isOne();
    assertThat(err.toString()).contains("cannot connect to 127.0.0.1:" + port);
  }
}
