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

class SynczJsonTest {
  private static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
  private static final String EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
  private static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
  private static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";

  @Test
  void writesIstiodKeysInOrderWithTheirOmissionsAndMeshpilotStatusInsideResources() {
    ProxySyncState state = connection(sidecar("productpage-v1", "default", "10.1.0.9", Map.of()), 1, Map.of(
        XdsType.CLUSTER, XdsStates.synced(XdsType.CLUSTER, "n1", Set.of()),
        XdsType.ENDPOINT, XdsStates.requestedOnly(XdsType.ENDPOINT, Set.of("outbound|9080||reviews")),
        XdsType.LISTENER, XdsStates.stale(XdsType.LISTENER, "n3", "n2"),
        XdsType.ROUTE, XdsStates.nacked(XdsType.ROUTE, "n4", "route 9080: bad <domain>")));

    String json = SynczJson.write(List.of(state), false);

    assertThat(json).isEqualTo("[{\"cluster_id\":\"Kubernetes\",\"proxy\":\"productpage-v1.default\","
        + "\"proxy_type\":\"sidecar\",\"istio_version\":\"1.30.0\","
        + "\"cluster_sent\":\"n1\",\"cluster_acked\":\"n1\",\"listener_sent\":\"n3\",\"listener_acked\":\"n2\","
        + "\"route_sent\":\"n4\","
        + "\"resources\":{"
        + "\"" + CDS + "\":{\"sent\":\"n1\",\"acked\":\"n1\",\"sentTime\":\"2024-05-01T10:20:30.123456789Z\",\"status\":\"SYNCED\"},"
        + "\"" + EDS + "\":{\"sentTime\":\"0001-01-01T00:00:00Z\",\"status\":\"NOT SENT\"},"
        + "\"" + LDS + "\":{\"sent\":\"n3\",\"acked\":\"n2\",\"sentTime\":\"2024-05-01T10:20:30.123456789Z\",\"status\":\"STALE\"},"
        + "\"" + RDS + "\":{\"sent\":\"n4\",\"sentTime\":\"2024-05-01T10:20:30.123456789Z\","
        + "\"lastError\":\"route 9080: bad \\u003cdomain\\u003e\",\"status\":\"ERROR\",\"error_time\":\"2024-05-01T10:20:31Z\"}"
        + "}}]");
  }

  @Test
  void aProxyThatAskedForNothingHasNoNonceKeysAndNoResources() {
    ProxySyncState state = connection(sidecar("idle", "prod", "10.1.0.10", Map.of()), 2, Map.of());

    assertThat(SynczJson.write(List.of(state), false)).isEqualTo(
        "[{\"cluster_id\":\"Kubernetes\",\"proxy\":\"idle.prod\",\"proxy_type\":\"sidecar\",\"istio_version\":\"1.30.0\"}]");
  }

  @Test
  void noProxiesIsAnEmptyArray() {
    assertThat(SynczJson.write(List.of(), false)).isEqualTo("[]");
  }

  @Test
  void prettyUsesFourSpaces() {
    ProxySyncState state = connection(sidecar("idle", "prod", "10.1.0.10", Map.of()), 2, Map.of());

    assertThat(SynczJson.write(List.of(state), true)).isEqualTo("""
        [
            {
                "cluster_id": "Kubernetes",
                "proxy": "idle.prod",
                "proxy_type": "sidecar",
                "istio_version": "1.30.0"
            }
        ]""");
  }
}
