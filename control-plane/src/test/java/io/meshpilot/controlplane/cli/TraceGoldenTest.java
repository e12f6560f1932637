package io.meshpilot.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.controlplane.Meshpilot;
import io.meshpilot.xds.e2e.ReviewsByUser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code proxy-config trace} as users read it, through the CLI on a saved dump ({@code --file}):
 * the productpage sidecar of the example mesh with the VirtualServices and DestinationRules of
 * the Envoy end-to-end test ({@code reviews-by-user.yaml}) and {@code cli/trace/routing.yaml}.
 * Each case's command, output and exit code equal {@code cli/trace/<case>.txt}; run with
 * {@code -Dgolden.update=true} to rewrite them after a deliberate change, then review the diff.
 */
class TraceGoldenTest {
  private static final Path GOLDEN = Path.of("src/test/resources/cli/trace");
  private static final String PROXY = ConfigDumpFixture.PROXY;

  @TempDir
  static Path dir;
  private static Path dumpFile;

  @BeforeAll
  static void dump() throws Exception {
    Path config = Files.createDirectories(dir.resolve("config"));
    try (Stream<Path> examples = Files.list(Path.of("../examples"))) {
      for (Path example : examples.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        Files.copy(example, config.resolve(example.getFileName()));
      }
    }
    Files.writeString(config.resolve("reviews-by-user.yaml"), ReviewsByUser.yaml());
    Files.copy(GOLDEN.resolve("routing.yaml"), config.resolve("routing.yaml"));
    dumpFile = dir.resolve("config_dump.json");
    Files.writeString(dumpFile, ConfigDumpFixture.generate(config));
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("header-to-subset", List.of("http://reviews:9080/reviews/1", "-H", "end-user: jason")),
        Arguments.of("default-subset", List.of("http://reviews:9080/reviews/1", "-H", "end-user: mike")),
        Arguments.of("weighted-subsets", List.of("http://ratings.default.svc.cluster.local:9080/ratings/0")),
        Arguments.of("redirect", List.of("http://details:9080/old/page")),
        Arguments.of("rewrite-timeout-retries", List.of("http://details:9080/LEGACY/items?x=1")),
        Arguments.of("method-and-query", List.of("-X", "POST", "http://details:9080/api/orders?version=2")),
        Arguments.of("without-header", List.of("http://details:9080/api/orders?version=2", "-H", "x-debug: 1")),
        Arguments.of("no-route", List.of("http://details:9080/nothing")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void traceMatchesGolden(String name, List<String> args) throws IOException {
    List<String> command = new ArrayList<>(List.of("proxy-config", "trace", PROXY));
    command.addAll(args);
    command.addAll(List.of("--file", "config_dump.json"));
    StringWriter out = new StringWriter();
    List<String> real = new ArrayList<>(command);
    real.set(real.size() - 1, dumpFile.toString());
    int exit = Meshpilot.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(out, true))
        .execute(real.toArray(String[]::new));

    String actual = "$ meshpilot " + String.join(" ", command.stream().map(TraceGoldenTest::quoted).toList()) + "\n"
        + out + "exit " + exit + "\n";

    Path expectedFile = GOLDEN.resolve(name + ".txt");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
    }
    assertThat(actual).isEqualTo(Files.readString(expectedFile, StandardCharsets.UTF_8));
  }

  private static String quoted(String arg) {
    return arg.contains(" ") ? "'" + arg + "'" : arg;
  }
}
