package io.meshpilot.xds.proxy;

/** An Envoy node that cannot be served (malformed id, no usable IP); the message says why. */
public final class InvalidProxyException extends Exception {
  public InvalidProxyException(String reason) {
    super(reason, null, false, false);
  }
}
