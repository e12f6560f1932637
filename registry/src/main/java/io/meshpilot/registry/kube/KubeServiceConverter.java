package io.meshpilot.registry.kube;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.meshpilot.registry.InvalidObjectException;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.model.RegistryKind;
import io.meshpilot.registry.model.Resolution;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.model.ServiceAttributes;
import io.meshpilot.registry.model.ServiceVisibility;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Converts a Kubernetes Service into the neutral model {@link Service} (reference §4.1, §4.2). */
public final class KubeServiceConverter {
  static final String CANONICAL_SERVICE_ACCOUNTS = "alpha.istio.io/canonical-serviceaccounts";
  static final String KUBERNETES_SERVICE_ACCOUNTS = "alpha.istio.io/kubernetes-serviceaccounts";
  static final String EXPORT_TO = "networking.istio.io/exportTo";
  static final String TRAFFIC_DISTRIBUTION = "networking.istio.io/traffic-distribution";
  static final String NODE_SELECTOR = "traffic.istio.io/nodeSelector";

  private KubeServiceConverter() {}

  /** k8s Service → model Service (reference §4.1, §4.2). Throws with a clear reason on unusable input. */
  public static Service convert(io.fabric8.kubernetes.api.model.Service svc, RegistryConfig config)
      throws InvalidObjectException {
    if (svc == null || svc.getMetadata() == null) {
      throw new InvalidObjectException("Service has no metadata");
    }
    ObjectMeta meta = svc.getMetadata();
    String name = meta.getName();
    String namespace = meta.getNamespace();
    if (name == null || name.isEmpty()) {
      throw new InvalidObjectException("Service has no metadata.name");
    }
    if (namespace == null || namespace.isEmpty()) {
      throw new InvalidObjectException("Service " + name + " has no metadata.namespace");
    }
    ServiceSpec spec = svc.getSpec() == null ? new ServiceSpec() : svc.getSpec();
    Map<String, String> annotations = orEmpty(meta.getAnnotations());
    String type = orEmpty(spec.getType());

    List<String> addresses = List.of(Service.UNSPECIFIED_ADDRESS);
    Resolution resolution = Resolution.CLIENT_SIDE_LB;
    String externalName = "";
    if ("ExternalName".equals(type) && spec.getExternalName() != null && !spec.getExternalName().isEmpty()) {
      externalName = spec.getExternalName();
      resolution = Resolution.ALIAS;
    }
    String clusterIp = orEmpty(spec.getClusterIP());
    if ("None".equals(clusterIp)) {
      resolution = Resolution.PASSTHROUGH;
    } else if (!clusterIp.isEmpty()) {
      List<String> clusterIps = spec.getClusterIPs();
      addresses = clusterIps != null && clusterIps.size() > 1 ? List.copyOf(clusterIps) : List.of(clusterIp);
    }

    ServiceAttributes attributes = new ServiceAttributes(
        RegistryKind.KUBERNETES,
        name,
        namespace,
        meta.getLabels(),
        exportTo(annotations),
        ServiceVisibility.PUBLIC,
        spec.getSelector(),
        externalAddresses(spec, svc.getStatus(), type, config.clusterId()),
        externalPorts(spec, annotations, type, config.clusterId()),
        Map.of(),
        type,
        externalName,
        "Local".equals(spec.getInternalTrafficPolicy()),
        trafficDistribution(spec.getTrafficDistribution(), annotations.get(TRAFFIC_DISTRIBUTION)),
        "",
        0,
        Boolean.TRUE.equals(spec.getPublishNotReadyAddresses()));

    return new Service(
        attributes,
        ports(name, spec.getPorts()),
        serviceAccounts(annotations, namespace, config),
        creationTime(name, meta.getCreationTimestamp()),
        config.serviceHostname(namespace, name),
        Map.of(config.clusterId(), addresses),
        addresses.get(0),
        "",
        "",
        resolution,
        !externalName.isEmpty(),
        meta.getResourceVersion());
  }

  private static List<Port> ports(String service, List<ServicePort> ports) throws InvalidObjectException {
    if (ports == null) {
      return List.of();
    }
    List<Port> out = new ArrayList<>(ports.size());
    for (int i = 0; i < ports.size(); i++) {
      ServicePort p = ports.get(i);
      if (p == null || p.getPort() == null) {
        throw new InvalidObjectException("Service " + service + ": spec.ports[" + i + "] has no port number");
      }
      int number = p.getPort();
      if (number < 1 || number > 65535) {
        throw new InvalidObjectException(
            "Service " + service + ": spec.ports[" + i + "].port " + number + " is outside 1-65535");
      }
      out.add(new Port(p.getName(), number,
          PortProtocols.fromKubernetes(p.getProtocol(), p.getName(), p.getAppProtocol(), number)));
    }
    return out;
  }

  private static List<String> serviceAccounts(
      Map<String, String> annotations, String namespace, RegistryConfig config) {
    List<String> out = new ArrayList<>();
    String canonical = annotations.get(CANONICAL_SERVICE_ACCOUNTS);
    if (canonical != null && !canonical.isEmpty()) {
      out.addAll(List.of(canonical.split(",", -1)));
    }
    String kube = annotations.get(KUBERNETES_SERVICE_ACCOUNTS);
    if (kube != null && !kube.isEmpty()) {
      for (String sa : kube.split(",", -1)) {
        out.add(config.spiffeId(namespace, sa));
      }
    }
    return out;
  }

  private static Set<String> exportTo(Map<String, String> annotations) {
    String value = annotations.get(EXPORT_TO);
    if (value == null || value.isEmpty()) {
      return Set.of();
    }
    Set<String> out = new LinkedHashSet<>();
    for (String part : value.split(",")) {
      String trimmed = part.trim();
      if (!trimmed.isEmpty()) {
        out.add(trimmed);
      }
    }
    return out;
  }

  /** Reference §1.5: spec.trafficDistribution first (case-sensitive), then the annotation (case-insensitive). */
  static int trafficDistribution(String specValue, String annotation) {
    if ("PreferClose".equals(specValue) || "PreferSameZone".equals(specValue)) {
      return 1;
    }
    if ("PreferSameNode".equals(specValue)) {
      return 2;
    }
    if (annotation == null || annotation.isEmpty()) {
      return 0;
    }
    return switch (annotation.toLowerCase(Locale.ROOT)) {
      case "preferclose", "prefersamezone" -> 1;
      case "prefersamenode" -> 2;
      default -> 0;
    };
  }

  private static Map<String, List<String>> externalAddresses(
      ServiceSpec spec, ServiceStatus status, String type, String clusterId) {
    List<String> out = new ArrayList<>();
    LoadBalancerStatus lb = status == null ? null : status.getLoadBalancer();
    if ("LoadBalancer".equals(type) && lb != null && lb.getIngress() != null) {
      for (LoadBalancerIngress ingress : lb.getIngress()) {
        if (ingress.getIp() != null && !ingress.getIp().isEmpty()) {
          out.add(ingress.getIp());
        } else if (ingress.getHostname() != null && !ingress.getHostname().isEmpty()) {
          out.add(ingress.getHostname());
        }
      }
    }
    if (spec.getExternalIPs() != null) {
      out.addAll(spec.getExternalIPs());
    }
    return out.isEmpty() ? Map.of() : Map.of(clusterId, out);
  }

  private static Map<String, Map<Integer, Integer>> externalPorts(
      ServiceSpec spec, Map<String, String> annotations, String type, String clusterId) {
    if (!"NodePort".equals(type) || !annotations.containsKey(NODE_SELECTOR) || spec.getPorts() == null) {
      return Map.of();
    }
    Map<Integer, Integer> ports = new LinkedHashMap<>();
    for (ServicePort p : spec.getPorts()) {
      if (p != null && p.getPort() != null) {
        // Like istiod, a port without a node port maps to 0 rather than being left out.
        ports.put(p.getPort(), p.getNodePort() == null ? 0 : p.getNodePort());
      }
    }
    return Map.of(clusterId, ports);
  }

  private static Instant creationTime(String service, String timestamp) throws InvalidObjectException {
    if (timestamp == null || timestamp.isEmpty()) {
      return Service.ZERO_TIME;
    }
    try {
      return Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      throw new InvalidObjectException(
          "Service " + service + ": metadata.creationTimestamp '" + timestamp + "' is not an RFC 3339 time");
    }
  }

  private static Map<String, String> orEmpty(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
