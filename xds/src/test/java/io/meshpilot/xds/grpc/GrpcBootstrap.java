package io.meshpilot.xds.grpc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * grpc-java's xDS bootstrap for a proxyless workload, as Istio's agent writes it (istio-xds.md §5.8):
 * node id {@code sidecar~<ip>~<pod>.<ns>~<ns>.svc.cluster.local}, metadata {@code GENERATOR: grpc},
 * and the inbound listener template for {@code XdsServerBuilder}. Passed to grpc-java's per-test
 * bootstrap overrides, so each test's clients are isolated from the JVM-wide bootstrap.
 *
 * @param xdsPort meshpilot's plaintext xDS port on 127.0.0.1
 */
record GrpcBootstrap(int xdsPort, String podName, String namespace, String ip, Map<String, String> labels) {
  static final String INBOUND_TEMPLATE = "xds.istio.io/grpc/lds/inbound/%s";

  GrpcBootstrap {
    labels = Map.copyOf(labels);
  }

  static GrpcBootstrap of(int xdsPort, String podName, String namespace, String ip) {
    return new GrpcBootstrap(xdsPort, podName, namespace, ip, Map.of());
  }

  GrpcBootstrap withLabels(Map<String, String> newLabels) {
    return new GrpcBootstrap(xdsPort, podName, namespace, ip, newLabels);
  }

  String nodeId() {
    return "sidecar~" + ip + "~" + podName + "." + namespace + "~" + namespace + ".svc.cluster.local";
  }

  /** The bootstrap as the JSON-shaped map grpc-java's test hooks take. */
  Map<String, ?> toMap() {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("GENERATOR", "grpc");
    metadata.put("NAMESPACE", namespace);
    metadata.put("INSTANCE_IPS", ip);
    metadata.put("CLUSTER_ID", "Kubernetes");
    metadata.put("ISTIO_VERSION", "1.30.0");
    if (!labels.isEmpty()) {
      metadata.put("LABELS", labels);
    }
    Map<String, Object> bootstrap = new LinkedHashMap<>();
    bootstrap.put("xds_servers", List.of(Map.of(
        "server_uri", "127.0.0.1:" + xdsPort,
        "channel_creds", List.of(Map.of("type", "insecure")),
        "server_features", List.of("xds_v3"))));
    bootstrap.put("node", Map.of("id", nodeId(), "locality", Map.of(), "metadata", metadata));
    bootstrap.put("server_listener_resource_name_template", INBOUND_TEMPLATE);
    return bootstrap;
  }
}
