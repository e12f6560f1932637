package io.meshpilot.xds.view;

import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.model.Protocol;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.networking.Destination;
import io.meshpilot.registry.networking.IstioConfig;
import io.meshpilot.registry.networking.Sidecar;
import io.meshpilot.xds.OutboundTrafficPolicy;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the proxies of one config namespace that resolve to one Sidecar (or to none) may see and
 * accept, istiod's SidecarScope: the egress listeners with the services each imports, their union
 * (what CDS and EDS are built from), the outbound traffic policy and the ingress listeners. Built
 * once per push and shared by every proxy that resolves to it (see {@link SidecarScopes}).
 *
 * @param name the Sidecar's name, or {@value #DEFAULT_NAME} when none applies
 * @param config the Sidecar the scope was built from (in the proxy's or the root namespace), if any
 * @param version the push version it was built for
 * @param services every imported service, sorted by hostname, ports merged across egress listeners
 * @param servicesByHostname {@code services} indexed by hostname
 */
public record SidecarScope(Id id, String name, Optional<IstioConfig<Sidecar>> config, String version,
    List<Egress> egress, ScopedServices services, Map<String, Service> servicesByHostname,
    OutboundTrafficPolicy outboundTrafficPolicy, List<Sidecar.IngressListener> ingress) {
  /** The kind of the Sidecar config object, as its {@link ObjectKey} names it. */
  public static final String KIND = "Sidecar";
  /** The name of the scope of a namespace that no Sidecar applies to, as istiod names it. */
  public static final String DEFAULT_NAME = "default-sidecar";

  /**
   * What proxies sharing a scope have in common: their config namespace and the Sidecar that
   * applies to them (empty for the default scope).
   */
  public record Id(String namespace, Optional<ObjectKey> sidecar) {
    public Id {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(sidecar, "sidecar");
    }
  }

  /**
   * One egress listener, the services it imports and the VirtualServices its hosts select.
   *
   * @param listener the Sidecar's listener; empty for the default {@code * /*} listener (no space)
   * @param virtualServices the VirtualServices visible to the namespace that its hosts select, in
   *     istiod's order: only these shape its routes and listeners (istiod's
   *     {@code egressListener.VirtualServices()})
   */
  public record Egress(Optional<Sidecar.EgressListener> listener, ScopedServices services,
      List<MeshVirtualService> virtualServices) {
    public Egress {
      virtualServices = List.copyOf(virtualServices);
    }

    /** The listener's port, when it is port-specific (istiod's needsPortMatch: not for HTTP_PROXY). */
    public OptionalInt port() {
      return listener.map(Sidecar.EgressListener::port)
          .filter(p -> p.number() != null && p.number() > 0 && Protocol.parse(p.protocol()) != Protocol.HTTP_PROXY)
          .map(p -> OptionalInt.of(p.number()))
          .orElse(OptionalInt.empty());
    }

    /** The declared protocol of a port-specific listener. */
    public Protocol protocol() {
      return listener.map(l -> Protocol.parse(l.port().protocol())).orElse(Protocol.UNSUPPORTED);
    }

    /** The address the listener's services bind to, {@code ""} for istiod's per-service default. */
    public String bind() {
      return listener.map(Sidecar.EgressListener::bind).orElse("");
    }

    /** True when {@code captureMode: NONE}: the listener binds its port even on a proxy with capture. */
    public boolean captureNone() {
      return listener.map(l -> "NONE".equals(l.captureMode())).orElse(false);
    }
  }

  public SidecarScope {
    egress = List.copyOf(egress);
    servicesByHostname = Map.copyOf(servicesByHostname);
    ingress = List.copyOf(ingress);
  }

  /** The imported service with this hostname. */
  public Optional<Service> service(String hostname) {
    return Optional.ofNullable(servicesByHostname.get(hostname));
  }

  /**
   * The egress listener a route for this port is built from (istiod's GetEgressListenerForRDS):
   * the port-specific one, else the catch-all.
   */
  public Optional<Egress> egressForRoute(int port) {
    for (Egress e : egress) {
      if (e.port().isEmpty() || e.port().getAsInt() == port) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /**
   * Where traffic to unknown destinations goes instead of PassthroughCluster: the Sidecar's
   * {@code outboundTrafficPolicy.egressProxy}, only under ALLOW_ANY (as istiod reads it).
   */
  public Optional<Destination> egressProxy() {
    if (outboundTrafficPolicy != OutboundTrafficPolicy.ALLOW_ANY) {
      return Optional.empty();
    }
    return config.map(c -> c.spec().outboundTrafficPolicy()).map(Sidecar.OutboundTrafficPolicy::egressProxy);
  }

  /** The connection pools its Sidecar sets on inbound clusters ({@link InboundConnectionPools#NONE} without one). */
  public InboundConnectionPools inboundConnectionPools() {
    return config.map(c -> InboundConnectionPools.of(c.spec())).orElse(InboundConnectionPools.NONE);
  }

  /** True when the scope comes from this Sidecar. */
  public boolean from(ObjectKey sidecar) {
    return id.sidecar().filter(sidecar::equals).isPresent();
  }
}
