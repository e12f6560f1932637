package io.meshpilot.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The README's shell blocks as a new user types them: every meshpilot command goes through
 * {@code bin/meshpilot} (which picks a JDK ≥ 21) and names a command the jar has.
 */
class ReadmeCommandsTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static List<String> commands;

  @BeforeAll
  static void readShellBlocks() throws IOException {
    commands = new ArrayList<>();
    boolean inShell = false;
    for (String line : Files.readAllLines(ROOT.resolve("README.md"))) {
      if (line.startsWith("```")) {
        inShell = !inShell && line.equals("```sh");
      } else if (inShell && !line.isBlank()) {
        commands.add(line.strip());
      }
    }
  }

  @Test
  void noCommandNeedsTheMachinesDefaultJavaOrAMeshpilotOnThePath() {
    assertThat(commands).isNotEmpty()
        .noneMatch(c -> c.startsWith("meshpilot ") || c.startsWith("java -jar"));
    assertThat(Files.isExecutable(ROOT.resolve("bin/meshpilot"))).isTrue();
  }

  @Test
  void everyLauncherCommandNamesACommandTheJarHas() {
    List<String> launched = commands.stream().filter(c -> c.startsWith("bin/meshpilot ")).toList();
    assertThat(launched).isNotEmpty();
    for (String command : launched) {
      String[] words = command.split("\\s+");
      CommandLine current = Meshpilot.commandLine();
      for (int i = 1; i < words.length && !words[i].startsWith("-"); i++) {
        Map<String, CommandLine> subcommands = current.getSubcommands();
        if (subcommands.isEmpty()) {
          break; // positional arguments from here on
        }
        String[] alternatives = words[i].split("\\|"); // `clusters|listeners|...` lists alternatives
        assertThat(subcommands).as(command).containsKeys(alternatives);
        current = subcommands.get(alternatives[0]);
      }
    }
  }
}
