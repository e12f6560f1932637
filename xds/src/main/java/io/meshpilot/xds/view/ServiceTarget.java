package io.meshpilot.xds.view;

import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.model.Service;

/**
 * A service port that selects the proxy's own workload: what inbound listeners and
 * {@code inbound|<targetPort>||} clusters are built from.
 *
 * @param targetPort the workload port the service port forwards to
 */
public record ServiceTarget(Service service, Port port, int targetPort) {}
