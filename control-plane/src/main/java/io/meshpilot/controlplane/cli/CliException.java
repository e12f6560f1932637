package io.meshpilot.controlplane.cli;

/** A failure to report to the user as one line on stderr (no stack trace): unreachable server, bad input. */
final class CliException extends RuntimeException {
  CliException(String message) {
    super(message);
  }
}
