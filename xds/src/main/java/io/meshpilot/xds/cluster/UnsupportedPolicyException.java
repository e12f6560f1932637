package io.meshpilot.xds.cluster;

/**
 * A DestinationRule policy meshpilot cannot turn into a working cluster (ISTIO_MUTUAL without mesh
 * certificates, SDS credentials): the cluster is left out and the rule is reported, so no proxy is
 * sent a cluster that would silently drop the policy (plaintext where the rule asked for TLS).
 */
public final class UnsupportedPolicyException extends RuntimeException {
  public UnsupportedPolicyException(String reason) {
    super(reason);
  }
}
