package io.meshpilot.registry.serviceentry;

import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.TopologyLabels;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.HealthStatus;
import io.meshpilot.registry.model.Locality;
import io.meshpilot.registry.model.Service;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** The three ways a ServiceEntry's endpoints come about (reference §5.1, "Instances"). */
final class ServiceEntryEndpoints {
  static final String TLS_ISTIO = "istio";
  static final String TLS_DISABLED = "disabled";

  private static final Comparator<SelectedWorkload> WORKLOAD_ORDER = Comparator
      .comparing(SelectedWorkload::kind)
      .thenComparing(SelectedWorkload::namespace)
      .thenComparing(SelectedWorkload::name);

  private ServiceEntryEndpoints() {}

  /** Inline endpoints: for each endpoint {@code i} (named {@code <seName>-<i>}), one per port. */
  static List<Endpoint> inline(ServiceEntry se, RegistryConfig config) {
    List<Endpoint> out = new ArrayList<>();
    for (int i = 0; i < se.endpoints().size(); i++) {
      WorkloadEntry we = se.endpoints().get(i);
      String locality = we.locality().isEmpty() ? TopologyLabels.localityFromLabels(we.labels()) : we.locality();
      Map<String, String> labels = TopologyLabels.augment(we.labels(), config.clusterId(), locality, "", we.network());
      String serviceAccount = we.serviceAccount().isEmpty()
          ? "" : config.spiffeId(se.namespace(), we.serviceAccount());
      String tlsMode = workloadEntryTlsMode(we.labels(), we.serviceAccount());
      for (SePort port : se.ports()) {
        out.add(endpoint(port, we.address(), we.ports(), labels, serviceAccount, we.network(),
            new Locality(locality, config.clusterId()), we.weight(), tlsMode, se.namespace(), se.name() + "-" + i, "",
            HealthStatus.UNKNOWN));
      }
    }
    return out;
  }

  /** DNS entries without endpoints or selector: the service's own hostname, one endpoint per port. */
  static List<Endpoint> hostname(ServiceEntry se, Service service, RegistryConfig config) {
    List<Endpoint> out = new ArrayList<>();
    for (SePort port : se.ports()) {
      int endpointPort = port.targetPort() > 0 ? port.targetPort() : port.number();
      out.add(new Endpoint(List.of(service.hostname()), port.name(), port.number(), endpointPort, Map.of(), "",
          "", new Locality("", config.clusterId()), 0, TLS_DISABLED, se.namespace(), se.name(), "", "",
          HealthStatus.UNKNOWN, ""));
    }
    return out;
  }

  /**
   * Ready workloads of the entry's namespace whose labels contain the (non-empty) selector, in
   * (kind, namespace, name) order, one endpoint per port.
   */
  static List<Endpoint> selected(ServiceEntry se, Map<String, String> selector, List<SelectedWorkload> candidates,
      RegistryConfig config) {
    List<SelectedWorkload> picked = candidates.stream()
        .filter(w -> w.namespace().equals(se.namespace()))
        .filter(SelectedWorkload::ready)
        // as in istiod 1.30, a selector without labels selects nothing
        .filter(w -> !selector.isEmpty() && w.labels().entrySet().containsAll(selector.entrySet()))
        // Kubernetes-style workloads need an IP; hostnames and sockets only suit DNS entries
        .filter(w -> se.resolution().isDnsType() || IpLiterals.isIp(w.address()))
        .sorted(WORKLOAD_ORDER)
        .toList();
    List<Endpoint> out = new ArrayList<>();
    for (SelectedWorkload w : picked) {
      String locality = w.locality().isEmpty() ? TopologyLabels.localityFromLabels(w.labels()) : w.locality();
      Map<String, String> labels =
          TopologyLabels.augment(w.labels(), config.clusterId(), locality, w.nodeName(), w.network());
      String serviceAccount = w.serviceAccountName().isEmpty()
          ? "" : config.spiffeId(w.namespace(), w.serviceAccountName());
      String tlsMode = w.kind().equals(SelectedWorkload.WORKLOAD_ENTRY)
          ? workloadEntryTlsMode(w.labels(), w.serviceAccountName())
          : w.labels().getOrDefault(TopologyLabels.TLS_MODE, TLS_DISABLED);
      String workloadName = w.labels().getOrDefault(TopologyLabels.WORKLOAD_NAME, w.name());
      // a selected (ready) pod is healthy, as istiod's pod endpoints are; a WorkloadEntry has no health
      HealthStatus health = w.kind().equals(SelectedWorkload.WORKLOAD_ENTRY) ? HealthStatus.UNKNOWN : HealthStatus.HEALTHY;
      for (SePort port : se.ports()) {
        out.add(endpoint(port, w.address(), w.namedPorts(), labels, serviceAccount, w.network(),
            new Locality(locality, config.clusterId()), w.weight(), tlsMode, w.namespace(), workloadName, w.nodeName(),
            health));
      }
    }
    return out;
  }

  /**
   * One endpoint of one port. The endpoint port is, in priority order: 0 for a unix socket (whose
   * {@code unix://} prefix is dropped), the workload's port of the same name, the port's targetPort,
   * the port's number.
   */
  private static Endpoint endpoint(SePort port, String address, Map<String, Integer> namedPorts,
      Map<String, String> labels, String serviceAccount, String network, Locality locality, int weight,
      String tlsMode, String namespace, String workloadName, String nodeName, HealthStatus health) {
    int endpointPort;
    String endpointAddress = address;
    Integer named = namedPorts.get(port.name());
    if (address.startsWith(WorkloadEntryRules.UNIX_PREFIX)) {
      endpointPort = 0;
      endpointAddress = address.substring(WorkloadEntryRules.UNIX_PREFIX.length());
    } else if (named != null && named > 0) {
      endpointPort = named;
    } else if (port.targetPort() > 0) {
      endpointPort = port.targetPort();
    } else {
      endpointPort = port.number();
    }
    return new Endpoint(List.of(endpointAddress), port.name(), port.number(), endpointPort, labels,
        serviceAccount, network, locality, weight, tlsMode, namespace, workloadName, "", "",
        health, nodeName);
  }

  /** The tlsMode label if present, else {@code istio} when a service account is set, else {@code disabled}. */
  private static String workloadEntryTlsMode(Map<String, String> labels, String serviceAccount) {
    String label = labels.get(TopologyLabels.TLS_MODE);
    if (label != null) {
      return label;
    }
    return serviceAccount.isEmpty() ? TLS_DISABLED : TLS_ISTIO;
  }
}
