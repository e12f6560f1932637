package io.meshpilot.debughttp;

import static io.meshpilot.debughttp.XdsStates.connection;
import static io.meshpilot.debughttp.XdsStates.sidecar;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.xds.server.ProxySyncState;
import io.meshpilot.xds.server.XdsType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdszJsonTest {
  @Test
  void writesEachClientWithMetadataAndSortedWatches() {
    ProxySyncState state = connection(sidecar("reviews-v1", "default", "10.1.0.5", Map.of("app", "reviews", "version", "v1")), 4,
        Map.of(XdsType.CLUSTER, XdsStates.synced(XdsType.CLUSTER, "n1", Set.of()),
            XdsType.ENDPOINT, XdsStates.synced(XdsType.ENDPOINT, "n2",
                Set.of("outbound|9080||reviews.default.svc.cluster.local", "outbound|80||api.example.com"))));

    assertThat(AdszJson.write(List.of(state), false)).isEqualTo("{\"totalClients\":1,\"clients\":[{"
        + "\"connectionId\":\"reviews-v1.default-4\",\"connectedAt\":\"2024-05-01T10:20:00Z\","
        + "\"address\":\"10.1.0.5:40000\",\"labels\":{\"app\":\"reviews\",\"version\":\"v1\"},"
        + "\"metadata\":{\"ISTIO_VERSION\":\"1.30.0\",\"LABELS\":{\"app\":\"reviews\",\"version\":\"v1\"},"
        + "\"INSTANCE_IPS\":\"10.1.0.5\",\"NAMESPACE\":\"default\",\"INTERCEPTION_MODE\":\"REDIRECT\","
        + "\"CLUSTER_ID\":\"Kubernetes\"},"
        + "\"watches\":{\"type.googleapis.com/envoy.config.cluster.v3.Cluster\":[],"
        + "\"type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment\":"
        + "[\"outbound|80||api.example.com\",\"outbound|9080||reviews.default.svc.cluster.local\"]}}]}");
  }

  @Test
  void withoutLabelsOrWatchesLabelsAreNullAndWatchesOmitted() {
    ProxySyncState state = connection(sidecar("idle", "prod", "10.1.0.10", Map.of()), 1, Map.of());

    assertThat(AdszJson.write(List.of(state), false)).contains("\"labels\":null,")
        .doesNotContain("LABELS").doesNotContain("watches");
  }

  @Test
  void noClientsOmitsTheClientsKey() {
    assertThat(AdszJson.write(List.of(), false)).isEqualTo("{\"totalClients\":0}");
  }
}
