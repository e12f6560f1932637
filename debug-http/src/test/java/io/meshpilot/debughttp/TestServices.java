package io.meshpilot.debughttp;

import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.model.Protocol;
import io.meshpilot.registry.model.RegistryKind;
import io.meshpilot.registry.model.Resolution;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.model.ServiceAttributes;
import io.meshpilot.registry.model.ServiceVisibility;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Hand-built model services with the shapes of reference §1.8. */
final class TestServices {
  private TestServices() {}

  static ServiceAttributes k8sAttributes(String name, String type, Map<String, String> selector) {
    return new ServiceAttributes(RegistryKind.KUBERNETES, name, "default", Map.of(), Set.of(), ServiceVisibility.PUBLIC, selector,
        Map.of(), Map.of(), Map.of(), type, "", false, 0, "", 0, false);
  }

  /** §1.8 first service: a ClusterIP Service. */
  static Service reviews() {
    ServiceAttributes a = new ServiceAttributes(RegistryKind.KUBERNETES, "reviews", "default",
        Map.of("app", "reviews", "service", "reviews"), Set.of(), ServiceVisibility.PUBLIC, Map.of("app", "reviews"),
        Map.of(), Map.of(), Map.of(), "ClusterIP", "", false, 0, "", 0, false);
    return new Service(a, List.of(new Port("http", 9080, Protocol.HTTP)), List.of(),
        Instant.parse("2024-05-01T10:20:30Z"), "reviews.default.svc.cluster.local",
        Map.of("Kubernetes", List.of("10.96.10.20")), "10.96.10.20", "", "", Resolution.CLIENT_SIDE_LB, false, "12345");
  }

  /** §1.8 second service: a DNS ServiceEntry host with auto-allocated addresses. */
  static Service externalApi() {
    ServiceAttributes a = new ServiceAttributes(RegistryKind.EXTERNAL, "api.example.com", "default",
        Map.of(), Set.of(), ServiceVisibility.PUBLIC, Map.of(), Map.of(), Map.of(), Map.of(), "", "", false, 0, "external-api", 0, false);
    return new Service(a, List.of(new Port("https", 443, Protocol.HTTPS)), List.of(),
        Instant.parse("2024-05-02T08:00:00Z"), "api.example.com", Map.of(), "0.0.0.0",
        "240.240.0.1", "2001:2::1", Resolution.DNS_LB, true, "");
  }

  static Service headless() {
    ServiceAttributes a = new ServiceAttributes(RegistryKind.KUBERNETES, "cassandra", "default", Map.of(), Set.of(), ServiceVisibility.PUBLIC,
        Map.of("app", "cassandra"), Map.of(), Map.of(), Map.of(), "ClusterIP", "", false, 0, "", 0, true);
    return new Service(a, List.of(new Port("cql", 9042, Protocol.TCP)), List.of(),
        Instant.parse("2024-05-01T10:20:30.500Z"), "cassandra.default.svc.cluster.local",
        Map.of("Kubernetes", List.of("0.0.0.0")), "0.0.0.0", "", "", Resolution.PASSTHROUGH, false, "200");
  }

  static Service externalName() {
    ServiceAttributes a = new ServiceAttributes(RegistryKind.KUBERNETES, "legacy-db", "default", Map.of(), Set.of(), ServiceVisibility.PUBLIC,
        Map.of(), Map.of(), Map.of(), Map.of(), "ExternalName", "db.example.com", false, 0, "", 0, false);
    return new Service(a, List.of(new Port("tcp-mysql", 3306, Protocol.TCP)), List.of(),
        Instant.parse("2024-05-01T10:20:30.000000001Z"), "legacy-db.default.svc.cluster.local",
        Map.of("Kubernetes", List.of("0.0.0.0")), "0.0.0.0", "", "", Resolution.ALIAS, true, "201");
  }

  static Service dualStack() {
    return new Service(k8sAttributes("web", "ClusterIP", Map.of("app", "web")),
        List.of(new Port("http", 80, Protocol.HTTP)), List.of(), Instant.parse("2024-05-01T10:20:30.120Z"),
        "web.default.svc.cluster.local", Map.of("Kubernetes", List.of("10.96.0.10", "fd00:10:96::a")),
        "10.96.0.10", "", "", Resolution.CLIENT_SIDE_LB, false, "202");
  }

  /** A k8s service in a namespace, for filter tests. */
  static Service k8s(String name, String namespace) {
    ServiceAttributes a = new ServiceAttributes(RegistryKind.KUBERNETES, name, namespace, Map.of(), Set.of(), ServiceVisibility.PUBLIC,
        Map.of(), Map.of(), Map.of(), Map.of(), "ClusterIP", "", false, 0, "", 0, false);
    return new Service(a, List.of(), List.of(), Service.ZERO_TIME, name + "." + namespace + ".svc.cluster.local",
        Map.of("Kubernetes", List.of("10.0.0.1")), "10.0.0.1", "", "", Resolution.CLIENT_SIDE_LB, false, "1");
  }

  /** A k8s service in a namespace with HTTP ports, created at {@code created}. */
  static Service k8s(String name, String namespace, Instant created, int... ports) {
    ServiceAttributes a = new ServiceAttributes(RegistryKind.KUBERNETES, name, namespace, Map.of(), Set.of(), ServiceVisibility.PUBLIC,
        Map.of(), Map.of(), Map.of(), Map.of(), "ClusterIP", "", false, 0, "", 0, false);
    List<Port> declared = java.util.Arrays.stream(ports).mapToObj(p -> new Port("http-" + p, p, Protocol.HTTP)).toList();
    return new Service(a, declared, List.of(), created, name + "." + namespace + ".svc.cluster.local",
        Map.of("Kubernetes", List.of("10.0.0." + (10 + name.length()))), "10.0.0." + (10 + name.length()), "", "",
        Resolution.CLIENT_SIDE_LB, false, "1");
  }

  /** A ServiceEntry host in a namespace, for filter tests. */
  static Service external(String host, String namespace) {
    ServiceAttributes a = new ServiceAttributes(RegistryKind.EXTERNAL, host, namespace, Map.of(), Set.of(), ServiceVisibility.PUBLIC,
        Map.of(), Map.of(), Map.of(), Map.of(), "", "", false, 0, "se-" + host, 0, false);
    return new Service(a, List.of(), List.of(), Service.ZERO_TIME, host, Map.of(), "0.0.0.0", "", "",
        Resolution.DNS_LB, true, "");
  }
}
