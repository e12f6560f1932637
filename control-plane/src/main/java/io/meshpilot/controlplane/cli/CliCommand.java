package io.meshpilot.controlplane.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A CLI command that writes to picocli's out/err and reports {@link CliException}s as one line, exit code 1. */
abstract class CliCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public final Integer call() {
    try {
      return run();
    } catch (CliException e) {
      err().println("meshpilot " + spec.qualifiedName(" ").replaceFirst("^meshpilot ", "") + ": " + e.getMessage());
      err().flush();
      return 1;
    }
  }

  abstract int run();

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Prints text that already ends with a newline, or adds one. */
  void print(String text) {
    out().print(text.endsWith("\n") ? text : text + "\n");
    out().flush();
  }
}
