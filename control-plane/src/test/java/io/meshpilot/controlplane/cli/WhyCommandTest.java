package io.meshpilot.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.controlplane.Meshpilot;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code meshpilot why} against a fake meshpilot serving a recorded {@code /debug/why} answer. */
class WhyCommandTest {
  private static final String PATH = "/debug/why?proxyID=productpage-v1.default&hostname=reviews.default.svc.cluster.local";

  private FakeHttpServer meshpilot;
  private String recorded;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void start() throws Exception {
    recorded = Files.readString(Path.of("src/test/resources/cli/why.json"));
    meshpilot = new FakeHttpServer().serve(PATH, recorded);
  }

  @AfterEach
  void stop() {
    meshpilot.close();
  }

  private int why(String... args) {
    return Meshpilot.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
  }

  @Test
  void printsOneSectionPerStageAndTheResourcesNotAckedBelowTheTable() {
    int exit = why("why", "productpage-v1.default", "reviews.default.svc.cluster.local", "--pilot", meshpilot.url());

    assertThat(exit).isZero();
    assertThat(out.toString()).isEqualTo("""
        reviews.default.svc.cluster.local for productpage-v1.default (connection productpage-v1.default-3)

        REGISTRY    KNOWN
          Service default/reviews                    Kubernetes                                   resourceVersion 812              exportTo *
          service changed 2026-12-01T10:00:00.5Z     UPSERT Service default/reviews               resourceVersion 812              from kubernetes
          endpoints changed 2026-12-01T10:00:20.5Z   UPSERT EndpointSlice default/reviews-x7k2p   resourceVersion 815              from kubernetes
          rejected 2026-12-01T10:00:00.5Z            ServiceEntry default/reviews-alias           from file:/etc/mesh/alias.yaml   spec.hosts[0]: "*" is not allowed
        VISIBILITY  visible: exported to namespace default: Service default/reviews exportTo [*]
          clusters    outbound|9080||reviews.default.svc.cluster.local
          listeners   0.0.0.0_9080
          routes      9080
        PUSH
          service change 2026-12-01T10:00:00.5Z     full push 2026-12-01T10:00:00Z/7 at 2026-12-01T10:00:00.6Z   REACHED      push 2026-12-01T10:00:00Z/7 reached the proxy at 2026-12-01T10:00:00.601Z
          endpoints change 2026-12-01T10:00:20.5Z   -                                                            NOT_PUSHED   no push has begun since the change (debounce window still open, or the push is being prepared)
        PROXY
          TYPE   STATUS     RESOURCES   SENT (NONCE VERSION)   ACKED (NONCE VERSION)   DETAIL
          CDS    ACKED      1           7-1f a1                7-1f a1                 ACKed: the proxy has the current version (last ACK nonce 7-1f, version a1)
          EDS    NOT_SENT   1           6-1f b1                6-1f b1                 not yet sent: no push has reached this proxy since the change (debounce, push queue or push scoping)
          LDS    SENT       1           8-1f c2                5-1f c1                 sent as nonce 8-1f (version c2) at 2026-12-01T10:00:00.500Z; not ACKed yet
          RDS    NACKED     2           9-1f d2                4-1f d1                 NACKed at 2026-12-01T10:00:01.500Z (nonce 9-1f): route 9080: <bad> domain
          EDS outbound|9080||reviews.default.svc.cluster.local: NOT_SENT
          LDS 0.0.0.0_9080: SENT
          RDS 9080: NACKED
          RDS reviews.default.svc.cluster.local:9080: SENT (removal)
        """);
  }

  @Test
  void jsonOutputIsTheServersAnswerAndTheQueryIsEncoded() {
    meshpilot.serve("/debug/why?proxyID=sleep-*.prod&hostname=api.example.com%3A443", "{\"hostname\":\"x\"}");

    int exit = why("why", "sleep-*.prod", "api.example.com:443", "--pilot", meshpilot.url(), "-o", "json");

    assertThat(exit).isZero();
    assertThat(out.toString()).isEqualTo("{\n    \"hostname\": \"x\"\n}\n");
  }

  @Test
  void aProxyNotConnectedIsOneLineAndExitCodeOne() {
    int exit = why("why", "nobody.default", "reviews.default.svc.cluster.local", "--pilot", meshpilot.url());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).startsWith("meshpilot why: GET ").contains("HTTP 404");
  }
}
