package io.meshpilot.registry.networking;

import java.util.List;

/**
 * The spec of an Istio Sidecar resource (networking.istio.io v1): which hosts and ports the
 * selected workloads (or a whole namespace, without a selector) see and accept. Component names are
 * Istio's JSON field names.
 */
public record Sidecar(WorkloadSelector workloadSelector, List<IngressListener> ingress,
    List<EgressListener> egress, OutboundTrafficPolicy outboundTrafficPolicy,
    DestinationRule.ConnectionPoolSettings inboundConnectionPool) {
  public Sidecar {
    ingress = Nulls.list(ingress);
    egress = Nulls.list(egress);
  }

  /** A listener port and protocol as Sidecar writes them ({@code number}, {@code protocol}, {@code name}). */
  public record SidecarPort(Integer number, String protocol, String name, Integer targetPort) {}

  /** {@code tls} terminates TLS on the port (istiod honours it only with ENABLE_TLS_ON_SIDECAR_INGRESS). */
  public record IngressListener(SidecarPort port, String bind, String captureMode, String defaultEndpoint,
      DestinationRule.ConnectionPoolSettings connectionPool, ServerTlsSettings tls) {}

  /** Egress hosts are {@code namespace/dnsName}: {@code ./*}, {@code * /*} (no space), {@code ~/*}, {@code ns/host}. */
  public record EgressListener(SidecarPort port, String bind, String captureMode, List<String> hosts) {
    public EgressListener {
      hosts = Nulls.list(hosts);
    }
  }

  /** {@code REGISTRY_ONLY} or {@code ALLOW_ANY} for the selected workloads. */
  public record OutboundTrafficPolicy(String mode, Destination egressProxy) {}
}
