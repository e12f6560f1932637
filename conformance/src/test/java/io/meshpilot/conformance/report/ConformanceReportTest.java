package io.meshpilot.conformance.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshpilot.conformance.diff.Difference;
import io.meshpilot.conformance.diff.Section;
import io.meshpilot.conformance.diff.Subject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The report's Markdown against {@code golden/report.md}, which users read and diff between runs.
 * Run with {@code -Dgolden.update=true} to rewrite it after a deliberate change, then review the diff.
 */
class ConformanceReportTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden/report.md");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void reportGroupsByKindAndPathThenListsEachResource() throws IOException {
    Subject reviews = new Subject("sleep.client", Section.CLUSTER, "outbound|9080||reviews.bookinfo.svc.cluster.local");
    Subject ratings = new Subject("sleep.client", Section.CLUSTER, "outbound|9080||ratings.bookinfo.svc.cluster.local");
    Subject route = new Subject("echo-dual.dual", Section.ROUTE, "8080");
    List<Difference> differences = List.of(
        new Difference(reviews, "commonLbConfig.healthyPanicThreshold", JSON.readTree("{}"), null),
        new Difference(ratings, "commonLbConfig.healthyPanicThreshold", JSON.readTree("{}"), null),
        new Difference(route, "virtualHosts[echo-v6.dual.svc.cluster.local:8080].domains[[fd00:10:96::2:20]]",
            null, JSON.readTree("\"[fd00:10:96::2:20]\"")),
        new Difference(new Subject("sleep.client", Section.LISTENER, "0.0.0.0_15001"), "", JSON.readTree("{}"), null),
        new Difference(Subject.service("db.example.internal (external)"), "autoAllocatedIPv4Address",
            JSON.readTree("\"240.240.0.1\""), JSON.readTree("\"240.240.0.3\"")));
    ConformanceReport report = new ConformanceReport(List.of("istiod: `pilot-discovery`", "meshpilot: `meshpilot.jar`"),
        differences, Map.of("istio.* extension: istio.stats", 3), Map.of());

    String actual = report.render();
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(GOLDEN.getParent());
      Files.writeString(GOLDEN, actual, StandardCharsets.UTF_8);
    }
    assertThat(report.count()).isEqualTo(5);
    assertThat(actual).isEqualTo(Files.readString(GOLDEN, StandardCharsets.UTF_8));
  }
}
