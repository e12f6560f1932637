package io.meshpilot.conformance;

import io.meshpilot.conformance.report.ConformanceReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./dev.sh conformance}: runs real istiod and meshpilot side by side on one real API server
 * with the fixture mesh and prints (and writes) the report of every difference in what they serve.
 * Exits 0 when the run completed, whatever the number of differences; 1 when it could not run.
 */
@Command(name = "conformance", mixinStandardHelpOptions = true,
    description = "Diff what real istiod and meshpilot serve for the same mesh and sidecars.")
public final class ConformanceCommand implements Callable<Integer> {
  @Option(names = "--istiod", required = true, paramLabel = "FILE", description = "pilot-discovery binary (scripts/install-istio.sh).")
  Path istiod;

  @Option(names = "--crds", required = true, paramLabel = "FILE", description = "Istio's crd-all.gen.yaml of the same version.")
  Path crds;

  @Option(names = "--kubectl", required = true, paramLabel = "FILE", description = "kubectl binary (scripts/install-peers.sh).")
  Path kubectl;

  @Option(names = "--meshpilot-jar", defaultValue = "control-plane/target/meshpilot.jar", paramLabel = "FILE",
      description = "meshpilot.jar to run (default: ${DEFAULT-VALUE}).")
  Path meshpilotJar;

  @Option(names = "--fixtures", defaultValue = "conformance/fixtures", paramLabel = "DIR",
      description = "Directory of fixture YAML, applied in name order (default: ${DEFAULT-VALUE}).")
  Path fixtures;

  @Option(names = "--report", defaultValue = "target/conformance-report.md", paramLabel = "FILE",
      description = "Where to write the report (default: ${DEFAULT-VALUE}).")
  Path report;

  @Option(names = "--work-dir", defaultValue = "target/conformance", paramLabel = "DIR",
      description = "Server logs, kubeconfig, mesh config and each server's answers (<server>/<proxy>.json) of the run,"
          + " kept for inspection (default: ${DEFAULT-VALUE}).")
  Path workDir;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ConformanceCommand())
        .setExecutionExceptionHandler((e, command, parsed) -> {
          // the run could not complete: say why (a peer's log tail is in the message), no stack trace
          System.err.println("conformance: " + e.getMessage());
          return 1;
        })
        .execute(args));
  }

  @Override
  public Integer call() throws Exception {
    ConformanceReport result = new ConformanceRun(this).run();
    String text = result.render();
    Files.createDirectories(report.toAbsolutePath().getParent());
    Files.writeString(report, text, StandardCharsets.UTF_8);
    System.out.println(text);
    System.out.println("(" + result.count() + " differences; report written to " + report + ")");
    return 0;
  }
}
