package io.meshpilot.registry.kube;

import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.TopologyLabels;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.HealthStatus;
import io.meshpilot.registry.model.Locality;
import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.model.Service;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Builds the EDS endpoints of one Kubernetes Service from its slices and the pods behind them (§4.3, §4.4). */
public final class KubeEndpointBuilder {
  static final String PERSISTENT_SESSION_LABEL = "istio.io/persistent-session";
  static final String PERSISTENT_SESSION_HEADER_LABEL = "istio.io/persistent-session-header";

  private KubeEndpointBuilder() {}

  /**
   * §4.3/§4.4: one Endpoint per (address x slice port), deduped by (first address, port name), first
   * kept; an address whose targetRef pod is not (yet) known is skipped.
   *
   * @param slices the slices of this service (others are ignored); taken in name order
   * @param nodes node name → node, for localities
   */
  public static List<Endpoint> build(Service service, Collection<SliceInfo> slices, PodLookup pods,
      Function<String, Optional<NodeInfo>> nodes, RegistryConfig config) {
    String namespace = service.attributes().namespace();
    String serviceName = service.attributes().name();
    Set<String> servicePortNames = service.ports().stream().map(Port::name).collect(Collectors.toSet());
    boolean draining = service.attributes().labels().containsKey(PERSISTENT_SESSION_LABEL)
        || service.attributes().labels().containsKey(PERSISTENT_SESSION_HEADER_LABEL);

    List<SliceInfo> ordered = slices.stream()
        .filter(s -> s.namespace().equals(namespace) && s.serviceName().equals(serviceName))
        .sorted(Comparator.comparing(SliceInfo::name))
        .toList();
    List<Endpoint> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (SliceInfo slice : ordered) {
      List<SliceInfo.SlicePort> ports =
          slice.ports().stream().filter(p -> servicePortNames.contains(p.name())).toList();
      if (ports.isEmpty()) {
        continue;
      }
      for (SliceInfo.SliceEndpoint e : slice.endpoints()) {
        HealthStatus health = health(e, draining);
        for (String address : e.addresses()) {
          Optional<PodInfo> pod;
          if (!e.podName().isEmpty()) {
            pod = pods.byName(slice.namespace(), e.podName());
            if (pod.isEmpty()) {
              // Publishing it now would give it an incomplete identity; the pod's arrival rebuilds it.
              continue;
            }
          } else {
            pod = pods.byIp(address);
          }
          Template t = pod.map(p -> Template.of(p, nodes, config)).orElseGet(() -> Template.podless(config));
          for (SliceInfo.SlicePort port : ports) {
            if (seen.add(address + "\n" + port.name())) {
              out.add(t.endpoint(address, port, health));
            }
          }
        }
      }
    }
    return out;
  }

  static HealthStatus health(SliceInfo.SliceEndpoint e, boolean serviceSupportsDraining) {
    if (e.ready() == null || e.ready()) {
      return HealthStatus.HEALTHY;
    }
    boolean serving = e.serving() == null || e.serving();
    boolean terminating = e.terminating() == null || e.terminating();
    if (serviceSupportsDraining && serving && terminating) {
      return HealthStatus.DRAINING;
    }
    return terminating ? HealthStatus.TERMINATING : HealthStatus.UNHEALTHY;
  }

  /** Everything an endpoint takes from its pod, computed once per address. */
  private record Template(Map<String, String> labels, String serviceAccount, String network, Locality locality,
      String tlsMode, String namespace, String workloadName, String hostName, String subDomain, String nodeName) {

    static Template of(PodInfo pod, Function<String, Optional<NodeInfo>> nodes, RegistryConfig config) {
      String locality = podLocality(pod, nodes);
      String network = pod.labels().getOrDefault(TopologyLabels.NETWORK, "");
      Map<String, String> labels =
          TopologyLabels.augment(pod.labels(), config.clusterId(), locality, pod.nodeName(), network);
      boolean hasSubdomain = !pod.subdomain().isEmpty();
      return new Template(
          Map.copyOf(labels),
          pod.serviceAccountName().isEmpty() ? "" : config.spiffeId(pod.namespace(), pod.serviceAccountName()),
          network,
          new Locality(locality, config.clusterId()),
          pod.labels().getOrDefault(TopologyLabels.TLS_MODE, "disabled"),
          pod.namespace(),
          pod.workloadName(),
          hasSubdomain ? (pod.hostname().isEmpty() ? pod.name() : pod.hostname()) : "",
          hasSubdomain ? pod.subdomain() : "",
          pod.nodeName());
    }

    /** An address without a known pod: no workload, so no namespace either, as istiod's endpoint builder leaves it. */
    static Template podless(RegistryConfig config) {
      Map<String, String> labels = TopologyLabels.augment(Map.of(), config.clusterId(), "", "", "");
      return new Template(Map.copyOf(labels), "", "", new Locality("", config.clusterId()), "disabled", "", "", "", "", "");
    }

    Endpoint endpoint(String address, SliceInfo.SlicePort port, HealthStatus health) {
      return new Endpoint(List.of(address), port.name(), 0, port.port(), labels, serviceAccount, network, locality,
          0, tlsMode, namespace, workloadName, hostName, subDomain, health, nodeName);
    }
  }

  /**
   * A pod's locality (§4.4): its {@code topology.istio.io/locality} (or legacy {@code istio-locality})
   * label, else its node's topology labels; {@code ""} when neither is known.
   */
  public static String podLocality(PodInfo pod, Function<String, Optional<NodeInfo>> nodes) {
    String label = TopologyLabels.localityFromLabels(pod.labels());
    if (!label.isEmpty()) {
      return label;
    }
    if (pod.nodeName().isEmpty()) {
      return "";
    }
    return nodes.apply(pod.nodeName()).map(NodeInfo::locality).orElse("");
  }
}
