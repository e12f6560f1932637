package io.meshpilot.xds.listener;

import io.meshpilot.registry.model.Protocol;
import io.meshpilot.xds.cluster.ClusterNames;
import io.meshpilot.xds.view.ServiceTarget;
import io.meshpilot.xds.view.SidecarIngress;

/**
 * What the inbound chains of one port are built from, whether a service port selects the workload
 * or a Sidecar ingress listener declares the port; or, {@link #passthrough}, the chains of
 * {@code virtualInbound} that take every other port to InboundPassthroughCluster.
 *
 * @param targetPort the port traffic arrives on, and of the {@code inbound|<port>||} cluster; 0 for any port
 * @param servicePort the port the virtual host is named for
 * @param hostname the host the chain serves (decorator), synthetic for Sidecar ingress
 * @param name the filter chain's name, {@code <bind>_<port>}
 * @param tracing the proxy's tracing tags, for an HTTP chain's connection manager
 * @param configPath the Sidecar behind a Sidecar ingress chain ({@code filter_metadata.istio.config}), else {@code ""}
 */
record InboundChain(int targetPort, int servicePort, Protocol protocol, String hostname, String name,
    TracingTags tracing, String configPath) {
  private static final String CATCH_ALL_HTTP = VirtualInboundListener.NAME + "-catchall-http";

  /** istiod's passthrough chains: any port, sniffed, named {@code virtualInbound[-catchall-http]}. */
  static InboundChain passthrough(TracingTags tracing) {
    return new InboundChain(0, 0, Protocol.UNSUPPORTED, "", VirtualInboundListener.NAME, tracing, "");
  }

  static InboundChain of(ServiceTarget target, TracingTags tracing) {
    return new InboundChain(target.targetPort(), target.port().port(), target.port().protocol(),
        target.service().hostname(), "0.0.0.0_" + target.targetPort(), tracing, "");
  }

  static InboundChain of(SidecarIngress ingress, TracingTags tracing) {
    return new InboundChain(ingress.port(), ingress.port(), ingress.protocol(), ingress.hostname(),
        ingress.bind() + "_" + ingress.port(), tracing, ingress.sidecarPath());
  }

  private boolean passthrough() {
    return targetPort == 0;
  }

  /** {@code inbound|<targetPort>||}, or InboundPassthroughCluster. */
  String cluster() {
    return passthrough() ? ClusterNames.INBOUND_PASSTHROUGH : ClusterNames.inbound(targetPort);
  }

  /** The name of this port's HTTP or TCP chain; the passthrough HTTP chain has a name of its own. */
  String chainName(ListenerProtocol chainProtocol) {
    return passthrough() && chainProtocol == ListenerProtocol.HTTP ? CATCH_ALL_HTTP : name;
  }

  /** The HTTP connection manager's stat prefix: {@code inbound_<bind>_<port>;}, the cluster for passthrough. */
  String httpStatPrefix() {
    return (passthrough() ? cluster() : "inbound_" + name) + ";";
  }
}
