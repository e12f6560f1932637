package io.meshpilot.controlplane;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the meshpilot CLI in-process and returns what it printed (out and err together). */
final class CliRun {
  private CliRun() {}

  static String output(String... args) {
    StringWriter out = new StringWriter();
    picocli.CommandLine commandLine = Meshpilot.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(out, true));
    commandLine.execute(args);
    return out.toString();
  }
}
