package io.meshpilot.loadtest.client;

import static io.meshpilot.loadtest.client.CannedResponses.SVC_A;
import static io.meshpilot.loadtest.client.CannedResponses.SVC_B;
import static io.meshpilot.loadtest.client.CannedResponses.cla;
import static io.meshpilot.loadtest.client.CannedResponses.eds;
import static io.meshpilot.loadtest.client.CannedResponses.httpListener;
import static io.meshpilot.loadtest.client.CannedResponses.route;
import static io.meshpilot.loadtest.client.CannedResponses.sotw;
import static io.meshpilot.loadtest.client.CannedResponses.staticCluster;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SotW session follows Envoy's order (CDS → EDS → LDS → RDS) and ACKs, on canned responses. */
class SotwSessionTest {
  private final SidecarNode node = SidecarNode.of(0, 10);
  private final SotwSession session = new SotwSession(node.toNode(), new ProxyView(new Interner()));

  @Test
  void opensWithAWildcardClusterRequestCarryingTheNode() {
    List<DiscoveryRequest> open = session.open();
    assertThat(open).singleElement().satisfies(r -> {
      assertThat(r.getTypeUrl()).isEqualTo(ResourceType.CLUSTER.typeUrl());
      assertThat(r.getResourceNamesList()).isEmpty();
      assertThat(r.getNode().getId()).isEqualTo("sidecar~10.200.0.1~" + node.pod() + ".lt-00~lt-00.svc.cluster.local");
      assertThat(r.getNode().getMetadata().getFieldsOrThrow("INTERCEPTION_MODE").getStringValue()).isEqualTo("REDIRECT");
    });
  }

  @Test
  void clustersAreAckedThenTheirEndpointsRequested() {
    session.open();
    List<DiscoveryRequest> out = session.onResponse(sotw(ResourceType.CLUSTER, "v1", "n1",
        List.of(eds(SVC_A), eds(SVC_B), staticCluster("BlackHoleCluster"))));
    assertThat(out).hasSize(2);
    assertAck(out.get(0), ResourceType.CLUSTER, "v1", "n1");
    assertThat(out.get(0).hasNode()).isFalse();
    assertThat(out.get(1).getTypeUrl()).isEqualTo(ResourceType.ENDPOINT.typeUrl());
    assertThat(out.get(1).getResourceNamesList()).containsExactly(SVC_A, SVC_B);
    assertThat(session.view().clusters()).containsExactlyInAnyOrder(SVC_A, SVC_B, "BlackHoleCluster");
    assertThat(session.view().synced()).isFalse();
  }

  @Test
  void endpointsThenListenersThenRoutesUntilSynced() {
    session.open();
    session.onResponse(sotw(ResourceType.CLUSTER, "v1", "n1", List.of(eds(SVC_A))));
    List<DiscoveryRequest> afterEds = session.onResponse(sotw(ResourceType.ENDPOINT, "v1", "n2",
        List.of(cla(SVC_A, "10.0.0.1", "10.0.0.2"))));
    assertAck(afterEds.get(0), ResourceType.ENDPOINT, "v1", "n2");
    assertThat(afterEds.get(0).getResourceNamesList()).containsExactly(SVC_A);
    assertThat(afterEds.get(1).getTypeUrl()).isEqualTo(ResourceType.LISTENER.typeUrl());
    assertThat(session.view().endpoints(SVC_A)).containsExactlyInAnyOrder("10.0.0.1:8080", "10.0.0.2:8080");

    List<DiscoveryRequest> afterLds = session.onResponse(sotw(ResourceType.LISTENER, "v1", "n3",
        List.of(httpListener("0.0.0.0_8080", "8080"))));
    assertAck(afterLds.get(0), ResourceType.LISTENER, "v1", "n3");
    assertThat(afterLds.get(1).getTypeUrl()).isEqualTo(ResourceType.ROUTE.typeUrl());
    assertThat(afterLds.get(1).getResourceNamesList()).containsExactly("8080");
    assertThat(session.view().synced()).isFalse();

    List<DiscoveryRequest> afterRds = session.onResponse(sotw(ResourceType.ROUTE, "v1", "n4", List.of(route("8080"))));
    assertThat(afterRds).singleElement().satisfies(r -> assertAck(r, ResourceType.ROUTE, "v1", "n4"));
    assertThat(session.view().synced()).isTrue();
  }

  @Test
  void aNewClusterWidensTheEndpointSubscriptionWithTheLastEndpointVersion() {
    session.open();
    session.onResponse(sotw(ResourceType.CLUSTER, "v1", "n1", List.of(eds(SVC_A))));
    session.onResponse(sotw(ResourceType.ENDPOINT, "e1", "n2", List.of(cla(SVC_A, "10.0.0.1"))));
    List<DiscoveryRequest> out = session.onResponse(sotw(ResourceType.CLUSTER, "v2", "n3",
        List.of(eds(SVC_A), eds(SVC_B))));
    assertThat(out).hasSize(2);
    assertThat(out.get(1).getResourceNamesList()).containsExactly(SVC_A, SVC_B);
    assertThat(out.get(1).getVersionInfo()).isEqualTo("e1");
    assertThat(out.get(1).getResponseNonce()).isEqualTo("n2");
  }

  @Test
  void anUnchangedClusterSetIsOnlyAcked() {
    session.open();
    session.onResponse(sotw(ResourceType.CLUSTER, "v1", "n1", List.of(eds(SVC_A))));
    assertThat(session.onResponse(sotw(ResourceType.CLUSTER, "v2", "n2", List.of(eds(SVC_A))))).hasSize(1);
  }

  @Test
  void aReconnectResendsEverySubscriptionAndSyncsAfresh() {
    session.open();
    session.onResponse(sotw(ResourceType.CLUSTER, "v1", "n1", List.of(eds(SVC_A))));
    session.onResponse(sotw(ResourceType.ENDPOINT, "v1", "n2", List.of(cla(SVC_A, "10.0.0.1"))));
    session.onResponse(sotw(ResourceType.LISTENER, "v1", "n3", List.of(httpListener("l", "8080"))));
    session.onResponse(sotw(ResourceType.ROUTE, "v1", "n4", List.of(route("8080"))));

    List<DiscoveryRequest> reopened = session.open();
    assertThat(reopened).extracting(DiscoveryRequest::getTypeUrl).containsExactly(ResourceType.CLUSTER.typeUrl(),
        ResourceType.ENDPOINT.typeUrl(), ResourceType.LISTENER.typeUrl(), ResourceType.ROUTE.typeUrl());
    assertThat(reopened.get(0).hasNode()).isTrue();
    assertThat(reopened).allSatisfy(r -> assertThat(r.getResponseNonce()).isEmpty());
    assertThat(session.view().synced()).isFalse();
    assertThat(session.view().endpoints(SVC_A)).containsExactly("10.0.0.1:8080");
  }

  private static void assertAck(DiscoveryRequest request, ResourceType type, String version, String nonce) {
    assertThat(request.getTypeUrl()).isEqualTo(type.typeUrl());
    assertThat(request.getVersionInfo()).isEqualTo(version);
    assertThat(request.getResponseNonce()).isEqualTo(nonce);
    assertThat(request.hasErrorDetail()).isFalse();
  }
}
