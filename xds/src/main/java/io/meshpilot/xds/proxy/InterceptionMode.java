package io.meshpilot.xds.proxy;

/** How traffic reaches the sidecar (node metadata {@code INTERCEPTION_MODE}); unknown values mean REDIRECT. */
public enum InterceptionMode {
  /** iptables REDIRECT to 15001/15006 (the default). */
  REDIRECT,
  /** iptables TPROXY; listeners are transparent. */
  TPROXY,
  /** No capture: outbound listeners bind 127.0.0.1:port for real, no virtual listeners. */
  NONE
}
