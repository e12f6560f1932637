package io.meshpilot.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The load test starts the server as the chart and the image run it, unless told otherwise. */
class ChartJvmOptionsTest {
  private static final Path ROOT = Path.of("..");

  @Test
  void theDefaultServerJvmIsTheImagesInTheChartsMemoryLimit() throws IOException {
    Matcher entrypoint = Pattern.compile("(?m)^ENTRYPOINT \\[(.*)]$").matcher(Files.readString(ROOT.resolve("Dockerfile")));
    assertThat(entrypoint.find()).isTrue();
    List<String> imageOptions = Arrays.stream(entrypoint.group(1).split(","))
        .map(s -> s.trim().replace("\"", "")).filter(s -> s.startsWith("-XX:")).toList();
    @SuppressWarnings("unchecked")
    Map<String, Object> values = new KubernetesSerialization().unmarshal(
        Files.readString(ROOT.resolve("charts/meshpilot/values.yaml")), Map.class);
    Map<?, ?> limits = (Map<?, ?>) ((Map<?, ?>) values.get("resources")).get("limits");
    Map<?, ?> jvm = (Map<?, ?>) values.get("jvm");

    List<String> loadTest = List.of(LoadTestCommand.CHART_JVM_OPTIONS.split(" "));
    assertThat(limits.get("memory")).isEqualTo("1Gi");
    assertThat(loadTest.getFirst()).isEqualTo("-XX:MaxRAM=1g");
    assertThat(loadTest.subList(1, loadTest.size())).isEqualTo(imageOptions);
    // the chart renders the same options from its values (templates/deployment.yaml)
    assertThat(imageOptions).contains("-XX:MaxRAMPercentage=" + jvm.get("maxRAMPercentage"), "-XX:+Use" + jvm.get("gc"));
  }

  @Test
  void serverJvmOptionsCanBeTheJvmsDefaultsOrAnyOthers() {
    assertThat(parse("--server-jvm-opts", "none").serverJvmOptions()).isEmpty();
    assertThat(parse("--server-jvm-opts", " -Xmx2g  -XX:+UseG1GC ").serverJvmOptions())
        .containsExactly("-Xmx2g", "-XX:+UseG1GC");
  }

  private static LoadTestOptions parse(String... args) {
    LoadTestCommand command = new LoadTestCommand();
    new CommandLine(command).parseArgs(args);
    return command.options();
  }
}
