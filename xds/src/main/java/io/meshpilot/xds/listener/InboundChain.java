package io.meshpilot.xds.listener;

import io.meshpilot.registry.model.Protocol;
import io.meshpilot.xds.view.ServiceTarget;
import io.meshpilot.xds.view.SidecarIngress;

/**
 * What one inbound chain is built from, whether a service port selects the workload or a Sidecar
 * ingress listener declares the port.
 *
 * @param targetPort the port traffic arrives on, and of the {@code inbound|<port>||} cluster
 * @param servicePort the port the virtual host is named for
 * @param hostname the host the chain serves (decorator), synthetic for Sidecar ingress
 * @param name the filter chain's name, {@code <bind>_<port>}
 * @param tracing the proxy's tracing tags, for an HTTP chain's connection manager
 */
record InboundChain(int targetPort, int servicePort, Protocol protocol, String hostname, String name,
    TracingTags tracing) {
  static InboundChain of(ServiceTarget target, TracingTags tracing) {
    return new InboundChain(target.targetPort(), target.port().port(), target.port().protocol(),
        target.service().hostname(), "0.0.0.0_" + target.targetPort(), tracing);
  }

  static InboundChain of(SidecarIngress ingress, TracingTags tracing) {
    return new InboundChain(ingress.port(), ingress.port(), ingress.protocol(), ingress.hostname(),
        ingress.bind() + "_" + ingress.port(), tracing);
  }
}
