package io.meshpilot.xds;

/** MeshConfig {@code outboundTrafficPolicy.mode}: what happens to traffic for hosts not in the registry. */
public enum OutboundTrafficPolicy {
  /** Unknown destinations are passed through (PassthroughCluster, vhost {@code allow_any}). */
  ALLOW_ANY,
  /** Unknown destinations are blocked (BlackHoleCluster, vhost {@code block_all} answering 502). */
  REGISTRY_ONLY
}
