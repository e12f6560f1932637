package io.meshpilot.controlplane;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.meshpilot.registry.ObjectSink;
import java.util.Map;

/** Kubernetes objects the end-to-end tests write into the registry, as the informers would. */
final class TestMesh {
  private TestMesh() {}

  /**
   * A ClusterIP service {@code name} in {@code default} with one HTTP port, one ready pod
   * ({@code 10.244.0.<last octet of the VIP>}) and its EndpointSlice; every object at this resourceVersion.
   */
  static void service(ObjectSink registry, String name, String clusterIp, int port, String resourceVersion) {
    registry.upsert("test", new ServiceBuilder().withNewMetadata().withName(name).withNamespace("default")
        .withResourceVersion(resourceVersion).withCreationTimestamp("2026-11-01T09:00:00Z").endMetadata()
        .withNewSpec().withType("ClusterIP").withClusterIP(clusterIp).withClusterIPs(clusterIp)
        .withSelector(Map.of("app", name)).addNewPort().withName("http").withPort(port).endPort().endSpec().build());
    String ip = "10.244.0." + clusterIp.substring(clusterIp.lastIndexOf('.') + 1);
    registry.upsert("test", new PodBuilder().withNewMetadata().withName(name + "-v1").withNamespace("default")
        .withResourceVersion(resourceVersion).withLabels(Map.of("app", name)).endMetadata()
        .withNewSpec().withServiceAccountName(name).endSpec()
        .withNewStatus().withPodIP(ip).addNewPodIP(ip)
        .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build());
    registry.upsert("test", new EndpointSliceBuilder().withNewMetadata().withName(name + "-abc")
        .withNamespace("default").withResourceVersion(resourceVersion)
        .withLabels(Map.of("kubernetes.io/service-name", name)).endMetadata()
        .withAddressType("IPv4").addNewPort().withName("http").withPort(port).endPort()
        .addToEndpoints(new EndpointBuilder().withAddresses(ip).withNewConditions().withReady(true).endConditions()
            .withNewTargetRef().withKind("Pod").withName(name + "-v1").withNamespace("default").endTargetRef().build())
        .build());
  }
}
