package io.meshpilot.registry;

/**
 * Thrown when a source object cannot be parsed or fails validation. The message is the reason an
 * operator reads in the log and in {@code /debug/rejectedz}; it never carries a stack trace there.
 */
public final class InvalidObjectException extends Exception {
  public InvalidObjectException(String reason) {
    super(reason, null, false, false);
  }
}
