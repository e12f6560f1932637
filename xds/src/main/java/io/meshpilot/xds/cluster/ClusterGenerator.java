package io.meshpilot.xds.cluster;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.model.Service;
import io.meshpilot.xds.conflict.Conflict;
import io.meshpilot.xds.conflict.GeneratedResource;
import io.meshpilot.xds.conflict.GenerationConflicts;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.view.InboundConnectionPools;
import io.meshpilot.xds.view.PushContext;
import io.meshpilot.xds.view.ScopedServices;
import io.meshpilot.xds.view.SidecarIngress;
import io.meshpilot.xds.view.SidecarScope;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CDS for sidecars (reference istio-xds.md §3): one outbound cluster per service port of the
 * proxy's Sidecar scope, BlackHoleCluster and PassthroughCluster, the inbound clusters (of its
 * Sidecar ingress listeners, else with traffic capture of its service ports) and, with capture,
 * InboundPassthroughCluster. Order: outbound clusters by hostname and port declaration, then
 * the special and inbound clusters, as istiod assembles them. A cluster name built twice keeps the
 * first and reports the other to {@link GenerationConflicts}.
 */
public final class ClusterGenerator {
  /**
   * A special cluster by name (InboundPassthroughCluster with the proxy's IP families), connect
   * timeout and (passthrough ones) the mesh's keepalive.
   */
  private record SpecialKey(String name, UpstreamDefaults mesh) {}

  private ClusterGenerator() {}

  public static List<Cluster> generate(Proxy proxy, PushContext push) {
    List<Cluster> clusters = new ArrayList<>(outbound(proxy, push));
    clusters.addAll(inbound(proxy, push));
    return List.copyOf(dedupe(clusters));
  }

  /**
   * The clusters that depend only on what the proxy can see (its {@link io.meshpilot.xds.view.ProxyScope}):
   * outbound clusters, BlackHoleCluster and PassthroughCluster. Every proxy of a scope shares them.
   */
  public static List<Cluster> outbound(Proxy proxy, PushContext push) {
    UpstreamDefaults mesh = UpstreamDefaults.of(push.settings());
    List<Cluster> clusters = new ArrayList<>();
    Map<String, Service> owners = new HashMap<>(); // cluster name -> the service that built it
    Set<Conflict> conflicts = new HashSet<>();
    ScopedServices scope = push.sidecarScope(proxy).services();
    for (Service service : scope.services()) {
      for (Port port : scope.servedPorts(service)) {
        OutboundClusters.Built built;
        try {
          built = OutboundClusters.build(service, port, proxy, push);
        } catch (RuntimeException e) {
          conflicts.add(Conflict.generationFailed(service, "cluster " + ClusterNames.outbound(port.port(),
              service.hostname()), e));
          continue;
        }
        conflicts.addAll(built.refused());
        for (Cluster cluster : built.clusters()) {
          // Envoy refuses a CDS response with two clusters of one name; the first stays, as in istiod.
          Service owner = owners.putIfAbsent(cluster.getName(), service);
          if (owner == null) {
            clusters.add(cluster);
          } else {
            conflicts.add(new Conflict(Conflict.objectOf(service), "cluster " + cluster.getName()
                + (owner == service ? " is declared twice (port " + port.port() + " is listed more than once); the first kept"
                    : " already built for " + Conflict.describe(owner) + "; dropped")));
          }
        }
      }
    }
    GenerationConflicts.shared().replace(new GeneratedResource("CDS", "outbound", proxy.namespace()), conflicts);
    clusters.add(push.cache().get(new SpecialKey("BlackHoleCluster", mesh),
        () -> SpecialClusters.blackHole(mesh.connectTimeout())));
    clusters.add(push.cache().get(new SpecialKey("PassthroughCluster", mesh),
        () -> SpecialClusters.passthrough(mesh)));
    return List.copyOf(dedupe(clusters));
  }

  /**
   * The proxy's own clusters: with Sidecar ingress listeners, one per ingress port; else, with
   * traffic capture, its inbound clusters; and with capture, InboundPassthroughCluster.
   */
  public static List<Cluster> inbound(Proxy proxy, PushContext push) {
    boolean captured = proxy.interceptionMode() != InterceptionMode.NONE;
    UpstreamDefaults mesh = UpstreamDefaults.of(push.settings());
    List<Cluster> clusters = new ArrayList<>();
    SidecarScope scope = push.sidecarScope(proxy);
    InboundConnectionPools pools = scope.inboundConnectionPools();
    if (!scope.ingress().isEmpty()) {
      SidecarIngress.of(scope, proxy).forEach(ingress -> clusters.add(InboundClusters.forIngress(ingress,
          push.serviceTargets(proxy), mesh, push.destinationRules(), pools)));
    } else if (captured) {
      clusters.addAll(InboundClusters.build(push.serviceTargets(proxy), mesh, push.destinationRules(), pools));
    }
    if (captured) {
      boolean ipv4 = proxy.ipv4();
      boolean ipv6 = proxy.ipv6();
      clusters.add(push.cache().get(new SpecialKey("InboundPassthroughCluster" + (ipv4 ? "/v4" : "") + (ipv6 ? "/v6" : ""),
          mesh), () -> SpecialClusters.inboundPassthrough(mesh, ipv4, ipv6)));
    }
    return List.copyOf(dedupe(clusters));
  }

  /** The special and inbound clusters never share a name with an outbound one; kept as a last guard. */
  private static List<Cluster> dedupe(List<Cluster> clusters) {
    Set<String> seen = new HashSet<>();
    return clusters.stream().filter(c -> seen.add(c.getName())).toList();
  }
}
