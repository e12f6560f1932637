package io.meshpilot.xds.endpoint;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.meshpilot.registry.model.Endpoint;
import java.util.List;
import java.util.Map;

/**
 * The per-endpoint metadata istiod attaches (reference istio-xds.md §4.4): the transport-socket
 * match for sidecar-injected workloads and the compact {@code istio.workload} telemetry string.
 */
final class EndpointMetadata {
  static final String TLS_MODE_ISTIO = "istio";
  private static final List<String> CANONICAL_NAME_LABELS =
      List.of("service.istio.io/canonical-name", "app.kubernetes.io/name", "app");
  private static final List<String> CANONICAL_REVISION_LABELS =
      List.of("service.istio.io/canonical-revision", "app.kubernetes.io/version", "version");

  private EndpointMetadata() {}

  static Metadata of(Endpoint endpoint) {
    Metadata.Builder metadata = Metadata.newBuilder();
    if (TLS_MODE_ISTIO.equals(endpoint.tlsMode())) {
      metadata.putFilterMetadata("envoy.transport_socket_match", struct("tlsMode", TLS_MODE_ISTIO));
    }
    metadata.putFilterMetadata("istio", struct("workload", workload(endpoint)));
    return metadata.build();
  }

  /** {@code <workload>;<namespace>;<canonical service>;<canonical revision>;<cluster>}. */
  static String workload(Endpoint endpoint) {
    String name = first(endpoint.labels(), CANONICAL_NAME_LABELS, endpoint.workloadName());
    String revision = first(endpoint.labels(), CANONICAL_REVISION_LABELS, "latest");
    if (revision.equals("latest")) {
      revision = ""; // istiod does not spend bytes on the default
    }
    return String.join(";", endpoint.workloadName(), endpoint.namespace(), name, revision,
        endpoint.locality().clusterId());
  }

  private static String first(Map<String, String> labels, List<String> keys, String fallback) {
    for (String key : keys) {
      String value = labels.get(key);
      if (value != null && !value.isEmpty()) {
        return value;
      }
    }
    return fallback;
  }

  private static Struct struct(String key, String value) {
    return Struct.newBuilder().putFields(key, Value.newBuilder().setStringValue(value).build()).build();
  }
}
