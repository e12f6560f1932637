package io.meshpilot.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The repository's Dockerfile against the real build (no container engine here): it copies the jar
 * {@code package} produced, its ENTRYPOINT runs that jar's {@code server}, it exposes the server's
 * default ports and runs as a non-root uid. Runs after {@code package} (failsafe).
 */
class DockerfileIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static List<Instruction> instructions;

  /** One Dockerfile instruction, continuation lines joined. */
  record Instruction(String keyword, String arguments) {}

  @BeforeAll
  static void parse() throws IOException {
    instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(ROOT.resolve("Dockerfile"))) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      current.append(trimmed);
      String text = current.toString().strip();
      current.setLength(0);
      int space = text.indexOf(' ');
      instructions.add(new Instruction(text.substring(0, space).toUpperCase(), text.substring(space + 1).strip()));
    }
  }

  private static List<Instruction> all(String keyword) {
    return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
  }

  /** The instructions of the last stage (the image that ships). */
  private static List<Instruction> runtimeStage() {
    int from = 0;
    for (int i = 0; i < instructions.size(); i++) {
      if (instructions.get(i).keyword().equals("FROM")) {
        from = i;
      }
    }
    return instructions.subList(from, instructions.size());
  }

  private static String only(List<Instruction> stage, String keyword) {
    List<Instruction> found = stage.stream().filter(i -> i.keyword().equals(keyword)).toList();
    assertThat(found).as(keyword).hasSize(1);
    return found.get(0).arguments();
  }

  private static String jarOfTheBuild() throws IOException {
    String pom = Files.readString(ROOT.resolve("control-plane/pom.xml"));
    Matcher finalName = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(pom);
    assertThat(finalName.find()).as("control-plane/pom.xml sets finalName").isTrue();
    return "control-plane/target/" + finalName.group(1) + ".jar";
  }

  @Test
  void buildsWithTheWrapperInOneStageAndShipsASlimJre21OrNewer() {
    List<Instruction> from = all("FROM");
    assertThat(from).hasSize(2);
    assertThat(from.get(0).arguments()).endsWith(" AS build");
    assertThat(all("RUN")).anySatisfy(run -> assertThat(run.arguments()).contains("./mvnw", "-DskipTests", "package"));
    Matcher jre = Pattern.compile("eclipse-temurin:(\\d+)-jre.*").matcher(from.get(1).arguments());
    assertThat(jre.matches()).as(from.get(1).arguments()).isTrue();
    assertThat(Integer.parseInt(jre.group(1))).isGreaterThanOrEqualTo(21);
  }

  @Test
  void namesNoRegistryHost() {
    for (Instruction from : all("FROM")) {
      String image = from.arguments().split("\\s+")[0];
      String first = image.contains("/") ? image.substring(0, image.indexOf('/')) : "";
      assertThat(first).as(image).doesNotContain(".", ":").isNotEqualTo("localhost");
    }
  }

  @Test
  void copiesOnlyTheJarThatPackageBuilds() throws IOException {
    String jar = jarOfTheBuild();
    assertThat(ROOT.resolve(jar)).as("built by package").isRegularFile();

    String copy = only(runtimeStage(), "COPY");
    String[] parts = copy.split("\\s+");
    assertThat(parts).hasSize(3);
    assertThat(parts[0]).isEqualTo("--from=build");
    String workdir = instructions.stream().filter(i -> i.keyword().equals("WORKDIR")).findFirst().orElseThrow()
        .arguments();
    assertThat(parts[1]).isEqualTo(workdir + "/" + jar);
  }

  @Test
  void entrypointRunsTheCopiedJarWithContainerAwareHeapAndServerByDefault() throws Exception {
    String[] copy = only(runtimeStage(), "COPY").split("\\s+");
    ObjectMapper json = new ObjectMapper();
    List<String> entrypoint = Arrays.asList(json.readValue(only(runtimeStage(), "ENTRYPOINT"), String[].class));
    List<String> cmd = Arrays.asList(json.readValue(only(runtimeStage(), "CMD"), String[].class));

    assertThat(entrypoint.get(0)).isEqualTo("java");
    assertThat(entrypoint).contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseParallelGC");
    int jarAt = entrypoint.indexOf("-jar");
    assertThat(entrypoint.get(jarAt + 1)).isEqualTo(copy[2]);
    assertThat(jarAt + 2).as("nothing after the jar: the command (CMD or the chart's args) follows").isEqualTo(
        entrypoint.size());
    // The Helm chart's args replace CMD and start with the command too.
    assertThat(cmd).containsExactly("server");
    assertThat(Files.readString(ROOT.resolve("charts/meshpilot/templates/deployment.yaml")))
        .containsPattern("args:\\s*\\n\\s*- server\\n");

    // The same command line, on the jar the build made, starts the server command.
    List<String> command = new ArrayList<>(entrypoint);
    command.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.set(jarAt + 1, ROOT.resolve(jarOfTheBuild()).toString());
    command.addAll(cmd);
    command.add("--help");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("--tls-cert-file", "--watch-namespaces");
  }

  @Test
  void exposesTheServersDefaultPorts() {
    CommandLine.Model.CommandSpec spec = new CommandLine(new ServerCommand()).getCommandSpec();
    List<String> defaults = List.of("--grpc-port", "--tls-port", "--http-port").stream()
        .map(name -> spec.findOption(name).defaultValue()).toList();

    assertThat(only(instructions, "EXPOSE").split("\\s+")).containsExactlyInAnyOrderElementsOf(defaults)
        .containsExactlyInAnyOrder("15010", "15012", "15014");
  }

  @Test
  void runsAsANumericNonRootUser() {
    String user = only(runtimeStage(), "USER");
    String uid = user.split(":")[0];

    assertThat(uid).matches("\\d+");
    assertThat(Integer.parseInt(uid)).isNotZero();
  }

  @Test
  void dockerignoreKeepsWhatTheBuildNeeds() throws IOException {
    List<String> ignored = Files.readAllLines(ROOT.resolve(".dockerignore")).stream().map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();

    assertThat(ignored).contains("**/target/").doesNotContain("mvnw", ".mvn", ".mvn/", "pom.xml", "scripts/", "*/src/");
  }
}
