package io.meshpilot.loadtest.client;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.meshpilot.loadtest.mesh.GeneratedMesh;
import io.meshpilot.loadtest.mesh.MeshAddresses;
import java.util.List;
import java.util.Map;

/**
 * Who a simulated sidecar says it is: a pod of the load test in one of the mesh's namespaces, with
 * the node id and metadata pilot-agent puts in Envoy's bootstrap.
 *
 * @param ips the pod IPs, primary first ({@code INSTANCE_IPS}; the first is the node id's second field),
 *     two for a dual-stack pod
 * @param pod the pod name
 * @param namespace the pod's namespace
 * @param labels the pod's labels ({@code LABELS})
 * @param istioVersion what pilot-agent reports as {@code ISTIO_VERSION}
 */
public record SidecarNode(List<String> ips, String pod, String namespace, Map<String, String> labels,
    String istioVersion) {
  static final String ISTIO_VERSION = "1.28.0";
  static final String SERVICE_ACCOUNT = "default";

  public SidecarNode {
    ips = List.copyOf(ips);
    if (ips.isEmpty()) {
      throw new IllegalArgumentException("a sidecar needs at least one IP");
    }
    labels = Map.copyOf(labels);
  }

  /** The primary pod IP. */
  public String ip() {
    return ips.get(0);
  }

  /** The {@code index}-th sidecar of a fleet, its pods dealt round-robin over the mesh's namespaces. */
  public static SidecarNode of(int index, int namespaces) {
    String namespace = GeneratedMesh.namespace(index % namespaces);
    return new SidecarNode(List.of(MeshAddresses.sidecar(index)),
        String.format("loadtest-%05d-7d9f8b6c5d-x%04x", index, index),
        namespace, Map.of("app", "loadtest", "version", "v1", "security.istio.io/tlsMode", "istio"), ISTIO_VERSION);
  }

  /** {@code sidecar~<ip>~<pod>.<ns>~<ns>.svc.cluster.local}, as pilot-agent builds it. */
  public String nodeId() {
    return "sidecar~" + ip() + "~" + pod + "." + namespace + "~" + namespace + ".svc.cluster.local";
  }

  /** The Envoy node sent on the first request of each stream. */
  public Node toNode() {
    Struct.Builder labelStruct = Struct.newBuilder();
    labels.forEach((k, v) -> labelStruct.putFields(k, string(v)));
    Struct metadata = Struct.newBuilder()
        .putFields("NAMESPACE", string(namespace))
        .putFields("NAME", string(pod))
        .putFields("LABELS", Value.newBuilder().setStructValue(labelStruct).build())
        .putFields("INSTANCE_IPS", string(String.join(",", ips)))
        .putFields("CLUSTER_ID", string("Kubernetes"))
        .putFields("ISTIO_VERSION", string(istioVersion))
        .putFields("INTERCEPTION_MODE", string("REDIRECT"))
        .putFields("SERVICE_ACCOUNT", string(SERVICE_ACCOUNT))
        .putFields("WORKLOAD_NAME", string(labels.getOrDefault("app", pod)))
        .build();
    return Node.newBuilder()
        .setId(nodeId())
        .setCluster(labels.getOrDefault("app", pod) + "." + namespace)
        .setMetadata(metadata)
        .setUserAgentName("envoy")
        .build();
  }

  private static Value string(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }
}
