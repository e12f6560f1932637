package io.meshpilot.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.xds.e2e.MissingPeer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/meshpilot} as a user runs it: on a machine whose only JDK is older than 21 it stops with
 * scripts/jdk.sh's message instead of Java's {@code UnsupportedClassVersionError}; with a JDK 21+ it
 * runs the packaged jar. Runs after {@code package} (failsafe), so the launcher finds the jar built.
 */
class LauncherIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path LAUNCHER = ROOT.resolve("bin/meshpilot");
  private static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");
  /** What bin/meshpilot and scripts/jdk.sh call besides java, linked into the fake PATH. */
  private static final List<String> SHELL_TOOLS = List.of("bash", "dirname", "readlink", "sed", "cut");

  @TempDir Path fakeBin;
  @TempDir Path home;

  record Run(int exit, String stdout, String stderr) {}

  @Test
  void onlyAnOldJdkOnThePathFailsNamingTheVersionNeeded() throws Exception {
    Path oldJdk = oldJdk().orElseThrow(() -> MissingPeer.report(System.getenv(),
        "no JDK older than 21 under /usr/lib/jvm to stand a user's default JDK (Debian's openjdk-17-jdk-headless)"));
    for (String tool : SHELL_TOOLS) {
      Files.createSymbolicLink(fakeBin.resolve(tool), which(tool));
    }
    Files.createSymbolicLink(fakeBin.resolve("java"), oldJdk.resolve("bin/java"));
    Files.createSymbolicLink(fakeBin.resolve("javac"), oldJdk.resolve("bin/javac"));

    // no JAVA_HOME, no other JDK directories: the PATH's JDK is all the launcher can find
    Run run = launch(Map.of("PATH", fakeBin.toString(), "HOME", home.toString(), "MESHPILOT_JDK_DIRS", ""),
        "--version");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.stderr())
        .contains("meshpilot needs a JDK >= 21 to build and run; the newest JDK found is " + major(oldJdk) + " (")
        .contains("set JAVA_HOME")
        .doesNotContain("UnsupportedClassVersionError");
    assertThat(run.stdout()).isEmpty();
  }

  @Test
  void aCurrentJdkRunsTheJar() throws Exception {
    Map<String, String> env = Map.of("PATH", System.getenv("PATH"), "HOME", System.getProperty("user.home"),
        "JAVA_HOME", System.getProperty("java.home"));

    Run version = launch(env, "--version");
    assertThat(version.exit()).as(version.stderr()).isZero();
    assertThat(version.stdout().strip()).matches("meshpilot \\S+").doesNotContain("unknown");

    Run help = launch(env, "--help");
    assertThat(help.exit()).as(help.stderr()).isZero();
    assertThat(help.stdout()).contains("Usage: meshpilot").contains("server").contains("proxy-status")
        .contains("proxy-config");
  }

  private static Run launch(Map<String, String> env, String... args) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(Stream.concat(Stream.of(LAUNCHER.toString()), Stream.of(args)).toList());
    builder.environment().clear();
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    // the streams are small; read both to the end before waiting
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      Assertions.fail("bin/meshpilot did not exit within 60 s");
    }
    return new Run(process.exitValue(), stdout, stderr);
  }

  /** A JDK older than 21 installed beside the real one, as Debian's default JDK 17 is. */
  private static Optional<Path> oldJdk() throws IOException {
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    try (Stream<Path> dirs = Files.list(jvms)) {
      return dirs.filter(d -> Files.isExecutable(d.resolve("bin/javac")) && Files.isRegularFile(d.resolve("release")))
          .filter(d -> major(d) < 21)
          .sorted()
          .findFirst();
    }
  }

  private static int major(Path jdk) {
    try {
      Matcher m = JAVA_VERSION.matcher(Files.readString(jdk.resolve("release")));
      return m.find() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
    } catch (IOException e) {
      return Integer.MAX_VALUE;
    }
  }

  private static Path which(String tool) {
    for (String dir : System.getenv("PATH").split(":")) {
      Path candidate = Path.of(dir, tool);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(tool + " is not on the PATH");
  }
}
