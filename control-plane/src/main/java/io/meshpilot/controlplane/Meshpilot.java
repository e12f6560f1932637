package io.meshpilot.controlplane;

import io.meshpilot.controlplane.cli.ProxyConfigCommand;
import io.meshpilot.controlplane.cli.ProxyStatusCommand;
import io.meshpilot.controlplane.cli.WhyCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of meshpilot.jar: {@code java -jar meshpilot.jar <command> [flags]}. */
@Command(
    name = "meshpilot",
    mixinStandardHelpOptions = true,
    versionProvider = BuildInfo.class,
    description = "An istiod-compatible service-mesh control plane.",
    subcommands = {ServerCommand.class, ProxyStatusCommand.class, ProxyConfigCommand.class, WhyCommand.class})
public final class Meshpilot {
  public static void main(String[] args) {
    int exit = commandLine().execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  /** The command line with every subcommand, as {@code main} runs it. */
  public static CommandLine commandLine() {
    return new CommandLine(new Meshpilot()).setCaseInsensitiveEnumValuesAllowed(true);
  }
}
