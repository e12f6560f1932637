package io.meshpilot.controlplane;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of meshpilot.jar: {@code java -jar meshpilot.jar <command> [flags]}. */
@Command(
    name = "meshpilot",
    mixinStandardHelpOptions = true,
    versionProvider = BuildInfo.class,
    description = "An istiod-compatible service-mesh control plane.",
    subcommands = {ServerCommand.class})
public final class Meshpilot {
  public static void main(String[] args) {
    int exit = new CommandLine(new Meshpilot()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }
}
