package io.meshpilot.xds.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs a short host command (ip, iptables, envoy --mode validate) to completion within a time bound. */
final class HostCommand {

  /** Exit code and captured output of a finished command. */
  record Result(List<String> command, int exitCode, String stdout, String stderr) {
    boolean succeeded() {
      return exitCode == 0;
    }

    /** This result, or an exception naming the command and its output when it failed. */
    Result orThrow() {
      if (exitCode != 0) {
        throw new IllegalStateException("`" + String.join(" ", command) + "` exited with " + exitCode
            + (stderr.isBlank() ? "" : ": " + stderr.strip()) + (stdout.isBlank() ? "" : " (stdout: " + stdout.strip() + ")"));
      }
      return this;
    }
  }

  private HostCommand() {}

  static Result run(Duration timeout, String... command) {
    return run(timeout, List.of(command));
  }

  static Result run(Duration timeout, List<String> command) {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run `" + String.join(" ", command) + "`", e);
    }
    CompletableFuture<String> stdout = drain(process.getInputStream());
    CompletableFuture<String> stderr = drain(process.getErrorStream());
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new IllegalStateException("`" + String.join(" ", command) + "` did not finish within " + timeout);
      }
      return new Result(command, process.exitValue(), stdout.get(5, TimeUnit.SECONDS), stderr.get(5, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted while running " + command, e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot read the output of " + command, e);
    }
  }

  private static CompletableFuture<String> drain(InputStream stream) {
    CompletableFuture<String> result = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try (stream) {
        result.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        result.complete("");
      }
    });
    return result;
  }
}
