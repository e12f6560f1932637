package io.meshpilot.loadtest.client;

import static io.meshpilot.loadtest.client.CannedResponses.SVC_A;
import static io.meshpilot.loadtest.client.CannedResponses.SVC_B;
import static io.meshpilot.loadtest.client.CannedResponses.cla;
import static io.meshpilot.loadtest.client.CannedResponses.delta;
import static io.meshpilot.loadtest.client.CannedResponses.eds;
import static io.meshpilot.loadtest.client.CannedResponses.httpListener;
import static io.meshpilot.loadtest.client.CannedResponses.route;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Delta session ACKs by nonce, subscribes to what is new and honours removed_resources. */
class DeltaSessionTest {
  private final DeltaSession session = new DeltaSession(SidecarNode.of(3, 10).toNode(), new ProxyView(new Interner()));

  @Test
  void syncsInEnvoysOrderWithNonceAcks() {
    List<DeltaDiscoveryRequest> open = session.open();
    assertThat(open).singleElement().satisfies(r -> {
      assertThat(r.getTypeUrl()).isEqualTo(ResourceType.CLUSTER.typeUrl());
      assertThat(r.getResourceNamesSubscribeList()).isEmpty();
      assertThat(r.getNode().getId()).startsWith("sidecar~10.200.0.4~loadtest-00003");
    });

    List<DeltaDiscoveryRequest> afterCds = session.onResponse(delta(ResourceType.CLUSTER, "c1",
        List.of(eds(SVC_A), eds(SVC_B)), List.of()));
    assertThat(afterCds.get(0).getResponseNonce()).isEqualTo("c1");
    assertThat(afterCds.get(1).getTypeUrl()).isEqualTo(ResourceType.ENDPOINT.typeUrl());
    assertThat(afterCds.get(1).getResourceNamesSubscribeList()).containsExactlyInAnyOrder(SVC_A, SVC_B);

    List<DeltaDiscoveryRequest> afterEds = session.onResponse(delta(ResourceType.ENDPOINT, "e1",
        List.of(cla(SVC_A, "10.0.0.1"), cla(SVC_B, "10.0.0.2")), List.of()));
    assertThat(afterEds).extracting(DeltaDiscoveryRequest::getTypeUrl)
        .containsExactly(ResourceType.ENDPOINT.typeUrl(), ResourceType.LISTENER.typeUrl());

    List<DeltaDiscoveryRequest> afterLds = session.onResponse(delta(ResourceType.LISTENER, "l1",
        List.of(httpListener("0.0.0.0_8080", "8080")), List.of()));
    assertThat(afterLds.get(1).getResourceNamesSubscribeList()).containsExactly("8080");

    assertThat(session.onResponse(delta(ResourceType.ROUTE, "r1", List.of(route("8080")), List.of())))
        .singleElement().satisfies(r -> assertThat(r.getResponseNonce()).isEqualTo("r1"));
    assertThat(session.view().synced()).isTrue();
  }

  @Test
  void aRemovedClusterIsUnsubscribedAndForgotten() {
    session.open();
    session.onResponse(delta(ResourceType.CLUSTER, "c1", List.of(eds(SVC_A), eds(SVC_B)), List.of()));
    session.onResponse(delta(ResourceType.ENDPOINT, "e1", List.of(cla(SVC_A, "10.0.0.1"), cla(SVC_B, "10.0.0.2")),
        List.of()));

    List<DeltaDiscoveryRequest> out = session.onResponse(delta(ResourceType.CLUSTER, "c2", List.of(), List.of(SVC_B)));
    assertThat(out).hasSize(2);
    assertThat(out.get(1).getResourceNamesSubscribeList()).isEmpty();
    assertThat(out.get(1).getResourceNamesUnsubscribeList()).containsExactly(SVC_B);
    assertThat(session.view().clusters()).containsExactly(SVC_A);
    assertThat(session.view().endpoints(SVC_B)).isEmpty();
  }

  @Test
  void anAddedClusterIsSubscribedAloneAndAnEndpointUpdateReplacesItsAddresses() {
    session.open();
    session.onResponse(delta(ResourceType.CLUSTER, "c1", List.of(eds(SVC_A)), List.of()));
    session.onResponse(delta(ResourceType.ENDPOINT, "e1", List.of(cla(SVC_A, "10.0.0.1")), List.of()));

    List<DeltaDiscoveryRequest> out = session.onResponse(delta(ResourceType.CLUSTER, "c2", List.of(eds(SVC_B)), List.of()));
    assertThat(out.get(1).getResourceNamesSubscribeList()).containsExactly(SVC_B);
    session.onResponse(delta(ResourceType.ENDPOINT, "e2", List.of(cla(SVC_A, "10.0.0.1", "10.0.0.9")), List.of()));
    assertThat(session.view().endpoints(SVC_A)).containsExactlyInAnyOrder("10.0.0.1:8080", "10.0.0.9:8080");
    assertThat(session.view().clusters()).containsExactlyInAnyOrder(SVC_A, SVC_B);
  }
}
