package io.meshpilot.xds.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.meshpilot.xds.MeshDiscovery;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.RecordingEvents;
import io.meshpilot.xds.push.PushSettings;
import io.meshpilot.xds.view.TrafficRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A push reaches only the proxies whose config it changes. */
class PushScopingTest {
  private final TrafficRegistry registry = new TrafficRegistry();
  private final RecordingEvents events = new RecordingEvents();
  private MeshDiscovery discovery;
  private XdsTestClient team;
  private XdsTestClient elsewhere;

  @BeforeEach
  void start() throws Exception {
    registry.mesh().upsert("test", service("shared", "default", "10.96.0.10", "*"));
    discovery = MeshDiscovery.start(registry, MeshSettings.defaults(), PushSettings.defaults(),
        new InetSocketAddress("127.0.0.1", 0), events);
    team = XdsTestClient.sotw(discovery.port(), node("team"));
    elsewhere = XdsTestClient.sotw(discovery.port(), node("default"));
    for (XdsTestClient client : List.of(team, elsewhere)) {
      client.request(XdsType.CLUSTER, List.of(), "", "");
      client.ack(XdsType.CLUSTER, client.next(XdsType.CLUSTER), List.of());
    }
  }

  @AfterEach
  void stop() throws Exception {
    team.close();
    elsewhere.close();
    discovery.close();
  }

  @Test
  void aServiceExportedOnlyToItsNamespaceIsPushedOnlyThere() {
    registry.mesh().upsert("test", service("private", "team", "10.96.0.20", "."));

    DiscoveryResponse clusters = team.next(XdsType.CLUSTER);
    assertThat(AdsServerSotwTest.names(clusters)).contains("outbound|80||private.team.svc.cluster.local");
    team.ack(XdsType.CLUSTER, clusters, List.of());
    // the other proxy was not even queued: its one response is still the first one
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
        .until(() -> elsewhere.ofType(XdsType.CLUSTER).size() == 1);

    registry.mesh().upsert("test", service("shared", "default", "10.96.0.10", "*", 8080));
    assertThat(AdsServerSotwTest.names(elsewhere.next(XdsType.CLUSTER))).contains("outbound|8080||shared.default.svc.cluster.local");
    assertThat(AdsServerSotwTest.names(team.next(XdsType.CLUSTER))).contains("outbound|8080||shared.default.svc.cluster.local");
  }

  @Test
  void aServiceOutsideTheSidecarScopeIsNotPushed() {
    registry.sidecar("team", "default", "2024-01-01T00:00:00Z", "egress: [{hosts: [\"./*\"]}]");
    // the Sidecar itself reaches team (the proxies of its namespace), not the other namespace
    DiscoveryResponse scoped = team.next(XdsType.CLUSTER);
    assertThat(events.pushes().getLast().reasons()).containsOnlyKeys(PushRequest.CONFIG);
    assertThat(events.pushes().getLast().proxies()).isEqualTo(1);
    assertThat(AdsServerSotwTest.names(scoped)).doesNotContain("outbound|80||shared.default.svc.cluster.local");
    team.ack(XdsType.CLUSTER, scoped, List.of());

    registry.mesh().upsert("test", service("shared", "default", "10.96.0.10", "*", 8080));
    assertThat(AdsServerSotwTest.names(elsewhere.next(XdsType.CLUSTER)))
        .contains("outbound|8080||shared.default.svc.cluster.local");
    // the push queued only the proxy that can see the service
    assertThat(events.pushes().getLast().reasons()).containsKey(PushRequest.SERVICE);
    assertThat(events.pushes().getLast().proxies()).isEqualTo(1);
    registry.mesh().upsert("test", service("mine", "team", "10.96.0.30", "."));
    // team's next response is for its own new service: the shared service's change never reached it
    assertThat(AdsServerSotwTest.names(team.next(XdsType.CLUSTER))).contains("outbound|80||mine.team.svc.cluster.local")
        .doesNotContain("outbound|8080||shared.default.svc.cluster.local");
    assertThat(team.ofType(XdsType.CLUSTER)).hasSize(3);
    assertThat(elsewhere.ofType(XdsType.CLUSTER)).hasSize(2);
  }

  private static Node node(String namespace) {
    return Node.newBuilder().setId("sidecar~10.0.0.1~pod." + namespace + "~" + namespace + ".svc.cluster.local")
        .setMetadata(Struct.newBuilder()
            .putFields("NAMESPACE", Value.newBuilder().setStringValue(namespace).build())
            .putFields("INSTANCE_IPS", Value.newBuilder().setStringValue("10.0.0.1").build()))
        .build();
  }

  private static io.fabric8.kubernetes.api.model.Service service(String name, String namespace, String ip,
      String exportTo, int... ports) {
    ServiceBuilder builder = new ServiceBuilder().withNewMetadata().withName(name).withNamespace(namespace)
        .addToAnnotations("networking.istio.io/exportTo", exportTo).endMetadata()
        .withNewSpec().withClusterIP(ip).endSpec();
    for (int port : ports.length == 0 ? new int[] {80} : ports) {
      builder.editSpec().addNewPort().withName("http-" + port).withPort(port).endPort().endSpec();
    }
    return builder.build();
  }
}
