package io.meshpilot.debughttp;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.Map;

/** Kubernetes objects for a real MeshRegistry: one HTTP service, its pod and its slice. */
final class MeshObjects {
  private MeshObjects() {}

  static Service service(String ns, String name, String clusterIp, int port) {
    return new ServiceBuilder().withNewMetadata().withName(name).withNamespace(ns)
        .withCreationTimestamp("2024-01-01T00:00:00Z").withResourceVersion("1").endMetadata()
        .withNewSpec().withClusterIP(clusterIp).withClusterIPs(clusterIp).withSelector(Map.of("app", name))
        .addNewPort().withName("http").withPort(port).withTargetPort(new IntOrString(port)).withProtocol("TCP").endPort()
        .endSpec().build();
  }

  static Pod pod(String ns, String name, String ip, String app) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns)
        .withLabels(Map.of("app", app, "security.istio.io/tlsMode", "istio")).endMetadata()
        .withNewSpec().withServiceAccountName("sa-" + app).endSpec()
        .withNewStatus().withPodIP(ip).addNewPodIP(ip)
        .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build();
  }

  static EndpointSlice slice(String ns, String service, int port, String ip, String pod) {
    return new EndpointSliceBuilder().withNewMetadata().withName(service + "-1").withNamespace(ns)
        .withLabels(Map.of("kubernetes.io/service-name", service)).endMetadata()
        .withAddressType("IPv4").addNewPort().withName("http").withPort(port).endPort()
        .addToEndpoints(new EndpointBuilder().withAddresses(ip)
            .withNewConditions().withReady(true).withServing(true).withTerminating(false).endConditions()
            .withNewTargetRef().withKind("Pod").withName(pod).withNamespace(ns).endTargetRef().build())
        .build();
  }
}
