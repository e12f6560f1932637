package io.meshpilot.registry;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;
import java.util.Map;

/** Builders for the Kubernetes objects registry tests feed in. */
final class TestObjects {
  private TestObjects() {}

  static Service service(String ns, String name, String clusterIp, String creation) {
    return new ServiceBuilder().withNewMetadata().withName(name).withNamespace(ns).withCreationTimestamp(creation)
        .withResourceVersion("1").endMetadata()
        .withNewSpec().withClusterIP(clusterIp).withClusterIPs(clusterIp).withSelector(Map.of("app", name))
        .addNewPort().withName("http").withPort(9080).endPort().endSpec().build();
  }

  static EndpointSlice slice(String ns, String service, String sliceName, Map<String, String> podsByIp) {
    EndpointSliceBuilder builder = new EndpointSliceBuilder().withNewMetadata().withName(sliceName).withNamespace(ns)
        .withLabels(Map.of("kubernetes.io/service-name", service)).endMetadata()
        .withAddressType("IPv4").addNewPort().withName("http").withPort(9080).endPort();
    podsByIp.forEach((ip, pod) -> builder.addToEndpoints(new EndpointBuilder().withAddresses(ip)
        .withNewConditions().withReady(true).endConditions()
        .withNewTargetRef().withKind("Pod").withName(pod).withNamespace(ns).endTargetRef().build()));
    return builder.build();
  }

  static Pod pod(String ns, String name, String ip, Map<String, String> labels) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).withLabels(labels).endMetadata()
        .withNewSpec().withServiceAccountName("sa-" + name).endSpec()
        .withNewStatus().withPodIP(ip).addNewPodIP(ip)
        .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build();
  }

  static GenericKubernetesResource serviceEntry(String ns, String name, String creation, Map<String, Object> spec) {
    return new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1").withKind("ServiceEntry")
        .withNewMetadata().withName(name).withNamespace(ns).withCreationTimestamp(creation).endMetadata()
        .withAdditionalProperties(Map.of("spec", spec)).build();
  }

  /** A WorkloadEntry object with the given spec and metadata labels and annotations. */
  static GenericKubernetesResource workloadEntry(String ns, String name, Map<String, Object> spec,
      Map<String, String> labels, Map<String, String> annotations) {
    return new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1").withKind("WorkloadEntry")
        .withNewMetadata().withName(name).withNamespace(ns).withLabels(labels).withAnnotations(annotations).endMetadata()
        .withAdditionalProperties(Map.of("spec", spec)).build();
  }

  static Map<String, Object> dnsSpec(String host) {
    return Map.of("hosts", List.of(host), "resolution", "DNS",
        "ports", List.of(Map.of("number", 443, "name", "https", "protocol", "HTTPS")));
  }
}
