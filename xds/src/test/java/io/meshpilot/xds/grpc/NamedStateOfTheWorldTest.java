package io.meshpilot.xds.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ADS server's named LDS and CDS for proxyless clients: only what was asked for, yet every
 * response the complete requested set (grpc-java takes a subscribed LDS or CDS resource missing
 * from a response as deleted), and everything when nothing is named.
 */
@Timeout(60)
class NamedStateOfTheWorldTest {
  private static final String REVIEWS = "reviews.default.svc.cluster.local";
  private static final String DETAILS = "details.default.svc.cluster.local";
  private static final String NODE = "sidecar~10.0.0.1~app-0.default~default.svc.cluster.local";

  private final GrpcMesh mesh = new GrpcMesh();

  @AfterEach
  void closeMesh() throws Exception {
    mesh.close();
  }

  private static List<String> names(DiscoveryResponse response) throws InvalidProtocolBufferException {
    List<String> names = new ArrayList<>();
    for (Any resource : response.getResourcesList()) {
      names.add(response.getTypeUrl().equals(Resources.V3.LISTENER_TYPE_URL)
          ? resource.unpack(Listener.class).getName() : resource.unpack(Cluster.class).getName());
    }
    return names;
  }

  @Test
  void listenersAreNamedButEveryResponseCarriesTheWholeRequestedSet() throws Exception {
    mesh.service("reviews", "10.96.0.12", "grpc", 9080);
    mesh.service("details", "10.96.0.13", "grpc", 9080);
    mesh.service("ratings", "10.96.0.14", "grpc", 9080);
    RawAdsStream ads = mesh.track(new RawAdsStream(mesh.discovery().port(), NODE, "grpc"));
    String lds = Resources.V3.LISTENER_TYPE_URL;

    ads.request(lds, List.of(REVIEWS + ":9080"), null);
    DiscoveryResponse first = ads.next();
    assertThat(names(first)).containsExactly(REVIEWS + ":9080");

    ads.request(lds, List.of(REVIEWS + ":9080", DETAILS + ":9080"), first);
    DiscoveryResponse second = ads.next();
    assertThat(names(second)).containsExactlyInAnyOrder(REVIEWS + ":9080", DETAILS + ":9080");
    ads.request(lds, List.of(REVIEWS + ":9080", DETAILS + ":9080"), second);

    // A change to one listener still sends both; a change to an unrequested service sends nothing.
    mesh.service("details", "10.96.0.23", "grpc", 9080);
    DiscoveryResponse pushed = ads.next();
    assertThat(names(pushed)).containsExactlyInAnyOrder(REVIEWS + ":9080", DETAILS + ":9080");
    ads.request(lds, List.of(REVIEWS + ":9080", DETAILS + ":9080"), pushed);
    mesh.service("ratings", "10.96.0.24", "grpc", 9080);
    mesh.service("productpage", "10.96.0.25", "grpc", 9080);
    await().until(() -> mesh.discovery().currentContext().services(GrpcProxies.client("default", "10.0.0.1"))
        .stream().anyMatch(s -> s.hostname().startsWith("productpage.")));
    mesh.service("reviews", "10.96.0.22", "grpc", 9080);
    DiscoveryResponse next = ads.next();
    assertThat(next.getResourcesList()).extracting(r -> r.unpack(Listener.class))
        .filteredOn(l -> l.getName().equals(REVIEWS + ":9080"))
        .singleElement().satisfies(l -> assertThat(l.getAddress().getSocketAddress().getAddress()).isEqualTo("10.96.0.22"));
    assertThat(names(next)).containsExactlyInAnyOrder(REVIEWS + ":9080", DETAILS + ":9080");

    // Naming nothing falls back to every visible service.
    ads.request(lds, List.of(), next);
    assertThat(names(ads.next())).containsExactlyInAnyOrder(REVIEWS + ":9080", DETAILS + ":9080",
        "ratings.default.svc.cluster.local:9080", "productpage.default.svc.cluster.local:9080");
  }

  @Test
  void clustersAreNamedForProxylessClientsAndWildcardForEnvoy() throws Exception {
    mesh.service("reviews", "10.96.0.12", "grpc", 9080);
    mesh.service("details", "10.96.0.13", "grpc", 9080);
    int port = mesh.discovery().port();
    RawAdsStream grpc = mesh.track(new RawAdsStream(port, NODE, "grpc"));
    RawAdsStream envoy = mesh.track(new RawAdsStream(port, "sidecar~10.0.0.2~app-1.default~default.svc.cluster.local", ""));
    String cds = Resources.V3.CLUSTER_TYPE_URL;

    grpc.request(cds, List.of("outbound|9080||" + REVIEWS), null);
    envoy.request(cds, List.of("outbound|9080||" + REVIEWS), null);

    assertThat(names(grpc.next())).containsExactly("outbound|9080||" + REVIEWS);
    assertThat(names(envoy.next())).contains("outbound|9080||" + REVIEWS, "outbound|9080||" + DETAILS,
        "PassthroughCluster", "BlackHoleCluster");
  }
}
