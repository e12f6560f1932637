package io.meshpilot.registry.bench;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.model.Service;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads a large cluster's worth of objects into {@link MeshRegistry} and prints the time until the
 * registry is ready with every service's endpoints built, and the heap it retains after GC.
 * Not a test: run it with {@code ./dev.sh bench [services] [endpointsPerService]}.
 *
 * <p>Objects are delivered exactly as an informer delivers them (fabric8 typed objects, one
 * {@code upsert} each) and dropped afterwards, so the retained heap is the registry's own.
 */
public final class RegistryLoadBenchmark {
  public static void main(String[] args) {
    int services = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int perService = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int namespaces = 50;
    int nodes = 200;

    long baseline = retainedHeap();
    long start = System.nanoTime();
    MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
    registry.sourceStarted("bench");
    for (int n = 0; n < nodes; n++) {
      registry.upsert("bench", new NodeBuilder().withNewMetadata().withName("node-" + n)
          .withLabels(Map.of("topology.kubernetes.io/region", "region-" + (n % 3),
              "topology.kubernetes.io/zone", "zone-" + (n % 9)))
          .endMetadata().build());
    }
    int podCounter = 0;
    for (int s = 0; s < services; s++) {
      String ns = "ns-" + (s % namespaces);
      String name = "svc-" + s;
      registry.upsert("bench", new ServiceBuilder().withNewMetadata().withName(name).withNamespace(ns)
          .withCreationTimestamp("2026-11-01T09:00:00Z").withResourceVersion(String.valueOf(s))
          .withLabels(Map.of("app", name)).endMetadata()
          .withNewSpec().withType("ClusterIP").withClusterIP(ip(10, 96, s)).withClusterIPs(ip(10, 96, s))
          .withSelector(Map.of("app", name))
          .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort()
          .endSpec().build());
      EndpointSliceBuilder slice = new EndpointSliceBuilder().withNewMetadata().withName(name + "-x1").withNamespace(ns)
          .withLabels(Map.of("kubernetes.io/service-name", name)).endMetadata()
          .withAddressType("IPv4")
          .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort();
      for (int e = 0; e < perService; e++) {
        String podName = name + "-7d9f8b6c5d-" + e;
        String podIp = ip(10, 244, podCounter++);
        String node = "node-" + (podCounter % nodes);
        registry.upsert("bench", pod(ns, name, podName, podIp, node));
        slice.addToEndpoints(new EndpointBuilder().withAddresses(podIp).withNodeName(node)
            .withNewConditions().withReady(true).withServing(true).withTerminating(false).endConditions()
            .withNewTargetRef().withKind("Pod").withName(podName).withNamespace(ns).endTargetRef().build());
      }
      EndpointSlice built = slice.build();
      registry.upsert("bench", built);
    }
    registry.sourceSynced("bench");
    int endpoints = 0;
    for (Service service : registry.services()) {
      for (var shard : registry.endpointShards(service.hostname(), service.attributes().namespace()).values()) {
        endpoints += shard.size();
      }
    }
    long readyMillis = (System.nanoTime() - start) / 1_000_000;
    long retained = retainedHeap() - baseline;

    System.out.printf("registry load: %d services, %d pods, %d endpoints, %d nodes%n",
        registry.services().size(), podCounter, endpoints, nodes);
    System.out.printf("time to ready (all endpoints built): %d ms%n", readyMillis);
    System.out.printf("retained heap after GC: %.1f MB%n", retained / 1024.0 / 1024.0);
    System.out.printf("ready=%s%n", registry.synced());
  }

  private static Pod pod(String ns, String app, String name, String ip, String node) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns)
        .withLabels(Map.of("app", app, "version", "v1", "pod-template-hash", "7d9f8b6c5d",
            "security.istio.io/tlsMode", "istio"))
        .addNewOwnerReference().withKind("ReplicaSet").withName(app + "-7d9f8b6c5d").withController(true)
        .withApiVersion("apps/v1").withUid("uid").endOwnerReference()
        .endMetadata()
        .withNewSpec().withServiceAccountName(app).withNodeName(node)
        .addNewContainer().withName(app).withImage("example/" + app + ":1.0")
        .addNewPort().withName("http").withContainerPort(8080).endPort().endContainer()
        .endSpec()
        .withNewStatus().withPodIP(ip).addNewPodIP(ip).withPhase("Running")
        .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus()
        .build();
  }

  private static String ip(int a, int b, int index) {
    return a + "." + (b + (index >> 16)) + "." + ((index >> 8) & 0xff) + "." + (index & 0xff);
  }

  private static long retainedHeap() {
    List<Long> samples = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      System.gc();
      samples.add(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return samples.stream().mapToLong(Long::longValue).min().orElseThrow();
  }
}
