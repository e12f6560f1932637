package io.meshpilot.registry.kube;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The part of an EndpointSlice (or a core Endpoints object) that endpoint building needs (reference §4.3).
 *
 * @param serviceName the owning Service ({@code kubernetes.io/service-name}, or the Endpoints name)
 */
public record SliceInfo(
    String namespace, String name, String serviceName, List<SlicePort> ports, List<SliceEndpoint> endpoints) {
  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
  static final String MCS_SERVICE_NAME_LABEL = "multicluster.kubernetes.io/service-name";

  public SliceInfo {
    namespace = Objects.requireNonNullElse(namespace, "");
    name = Objects.requireNonNullElse(name, "");
    serviceName = Objects.requireNonNullElse(serviceName, "");
    ports = ports == null ? List.of() : List.copyOf(ports);
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
  }

  /** A slice port: its name ({@code ""} when unnamed) and the resolved target port. */
  public record SlicePort(String name, int port) {
    public SlicePort {
      name = Objects.requireNonNullElse(name, "");
    }
  }

  /**
   * One slice endpoint. The conditions are null when the source left them unset (which means "yes"
   * for ready and serving).
   *
   * @param podName the targetRef's name when it is a Pod, else {@code ""}
   */
  public record SliceEndpoint(
      List<String> addresses, Boolean ready, Boolean serving, Boolean terminating, String nodeName, String podName) {
    public SliceEndpoint {
      addresses = addresses == null ? List.of() : List.copyOf(addresses);
      nodeName = Objects.requireNonNullElse(nodeName, "");
      podName = Objects.requireNonNullElse(podName, "");
    }
  }

  /** empty for FQDN slices, MCS slices and slices without the kubernetes.io/service-name label */
  public static Optional<SliceInfo> from(EndpointSlice slice) {
    Map<String, String> labels = slice.getMetadata().getLabels() == null ? Map.of() : slice.getMetadata().getLabels();
    String service = labels.get(SERVICE_NAME_LABEL);
    if (service == null || service.isEmpty() || labels.containsKey(MCS_SERVICE_NAME_LABEL)
        || "FQDN".equals(slice.getAddressType())) {
      return Optional.empty();
    }
    List<SlicePort> ports = new ArrayList<>();
    if (slice.getPorts() != null) {
      for (EndpointPort p : slice.getPorts()) {
        // A port without a number means "all ports", which a mesh cannot route by name: skip it.
        if (p.getPort() != null) {
          ports.add(new SlicePort(Interner.intern(p.getName()), p.getPort()));
        }
      }
    }
    List<SliceEndpoint> endpoints = new ArrayList<>();
    if (slice.getEndpoints() != null) {
      for (Endpoint e : slice.getEndpoints()) {
        EndpointConditions c = e.getConditions() == null ? new EndpointConditions() : e.getConditions();
        endpoints.add(new SliceEndpoint(e.getAddresses(), c.getReady(), c.getServing(), c.getTerminating(),
            Interner.intern(e.getNodeName()), podName(e.getTargetRef())));
      }
    }
    return Optional.of(new SliceInfo(slice.getMetadata().getNamespace(), slice.getMetadata().getName(),
        service, ports, endpoints));
  }

  /**
   * Projects a core/v1 Endpoints object. Its subsets are flattened: the ports of every subset are
   * combined, and not-ready addresses become endpoints with ready, serving and terminating false
   * (so they count as unhealthy rather than terminating).
   */
  public static SliceInfo from(Endpoints endpoints) {
    Set<SlicePort> ports = new LinkedHashSet<>();
    List<SliceEndpoint> out = new ArrayList<>();
    if (endpoints.getSubsets() != null) {
      for (EndpointSubset subset : endpoints.getSubsets()) {
        if (subset.getPorts() != null) {
          for (io.fabric8.kubernetes.api.model.EndpointPort p : subset.getPorts()) {
            if (p.getPort() != null) {
              ports.add(new SlicePort(Interner.intern(p.getName()), p.getPort()));
            }
          }
        }
        addAll(out, subset.getAddresses(), true);
        addAll(out, subset.getNotReadyAddresses(), false);
      }
    }
    String name = endpoints.getMetadata().getName();
    return new SliceInfo(endpoints.getMetadata().getNamespace(), name, name, List.copyOf(ports), out);
  }

  private static void addAll(List<SliceEndpoint> out, List<EndpointAddress> addresses, boolean ready) {
    if (addresses == null) {
      return;
    }
    for (EndpointAddress a : addresses) {
      if (a.getIp() == null || a.getIp().isEmpty()) {
        continue;
      }
      out.add(new SliceEndpoint(List.of(a.getIp()), ready, ready, false,
          Interner.intern(a.getNodeName()), podName(a.getTargetRef())));
    }
  }

  private static String podName(ObjectReference ref) {
    return ref != null && "Pod".equals(ref.getKind()) ? Labels.orEmpty(ref.getName()) : "";
  }
}
