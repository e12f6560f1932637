package io.meshpilot.xds.debug;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.status.v3.ClientConfig;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.proxy.ProxyParser;
import io.meshpilot.xds.server.ProxySyncState;
import io.meshpilot.xds.server.TypeSyncState;
import io.meshpilot.xds.server.XdsType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The syncz answer istioctl reads, against a golden file: one ClientConfig per proxy (istiod's
 * statusgen.go: node id, CLUSTER_ID/NAMESPACE/ISTIO_VERSION metadata, each watched type's status
 * and send time, the NACK text as error_state), the instance identifier in control_plane. Run with
 * {@code -Dgolden.update=true} to rewrite the file after a deliberate change, then review the diff.
 */
class ClientConfigsTest {
  private static final Path GOLDEN = Path.of("src/test/resources/debug/syncz.json");
  private static final Instant SENT = Instant.parse("2026-12-02T10:00:00Z");
  private static final JsonFormat.Printer JSON = JsonFormat.printer()
      .usingTypeRegistry(JsonFormat.TypeRegistry.newBuilder().add(ClientConfig.getDescriptor()).build());

  @Test
  void synczAnswerMatchesGolden() throws Exception {
    ProxySyncState reviews = state("reviews-v1-7d9f.default", "default", "1.31.0", Map.of(
        XdsType.CLUSTER, sent("n1", "n1", Optional.empty()),
        XdsType.LISTENER, sent("n2", "n2", Optional.empty()),
        XdsType.ENDPOINT, sent("n3", "n1", Optional.empty()),
        XdsType.ROUTE, sent("n4", "n2", Optional.of("route 8080: unknown cluster outbound|80||x"))));
    ProxySyncState ratings = state("ratings-v1-5c7b.shop", "shop", "", Map.of(
        XdsType.CLUSTER, notSent()));
    ProxySyncState istioctl = state("test-1.istio-system", "istio-system", "65536.65536.65536", Map.of());

    DiscoveryResponse syncz = DiscoveryResponse.newBuilder()
        .setVersionInfo("2026-12-02T10:00:00Z/7")
        .setTypeUrl(DebugType.SYNCZ.typeUrl())
        .addAllResources(ClientConfigs.of(List.of(reviews, istioctl, ratings), Optional.empty()))
        .setControlPlane(ControlPlaneInstance.of("meshpilot-0", "1.31.0").toControlPlane())
        .build();

    String actual = JSON.print(syncz) + "\n";
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(GOLDEN, actual, StandardCharsets.UTF_8);
    }
    assertThat(actual).isEqualTo(Files.readString(GOLDEN, StandardCharsets.UTF_8));
  }

  @Test
  void aNamespaceKeepsOnlyItsProxies() throws Exception {
    ProxySyncState reviews = state("reviews-v1-7d9f.default", "default", "", Map.of(
        XdsType.CLUSTER, notSent()));
    ProxySyncState ratings = state("ratings-v1-5c7b.shop", "shop", "", Map.of(
        XdsType.CLUSTER, notSent()));

    assertThat(ClientConfigs.of(List.of(reviews, ratings), Optional.of("shop")))
        .extracting(any -> any.unpack(ClientConfig.class).getNode().getId())
        .containsExactly("ratings-v1-5c7b.shop");
  }

  private static TypeSyncState notSent() {
    return new TypeSyncState(XdsType.CLUSTER, "", "", "", "", Optional.empty(), Optional.empty(), Optional.empty(),
        Set.of());
  }

  private static TypeSyncState sent(String nonceSent, String nonceAcked, Optional<String> error) {
    return new TypeSyncState(XdsType.CLUSTER, nonceSent, nonceAcked, "v", "v", Optional.of(SENT), error,
        error.map(e -> SENT.plusSeconds(1)), Set.of());
  }

  private static ProxySyncState state(String id, String namespace, String istioVersion,
      Map<XdsType, TypeSyncState> types) throws Exception {
    Struct.Builder metadata = Struct.newBuilder()
        .putFields("NAMESPACE", Value.newBuilder().setStringValue(namespace).build());
    if (!istioVersion.isEmpty()) {
      metadata.putFields("ISTIO_VERSION", Value.newBuilder().setStringValue(istioVersion).build());
    }
    Proxy proxy = ProxyParser.parse(Node.newBuilder()
        .setId("sidecar~10.0.0.1~" + id + "~" + namespace + ".svc.cluster.local").setMetadata(metadata).build());
    java.util.EnumMap<XdsType, TypeSyncState> typed = new java.util.EnumMap<>(XdsType.class);
    types.forEach((type, state) -> typed.put(type, new TypeSyncState(type, state.nonceSent(), state.nonceAcked(),
        state.versionSent(), state.versionAcked(), state.lastSent(), state.lastError(), state.lastErrorAt(),
        state.watchedNames())));
    return new ProxySyncState(id + "-1", proxy, "10.0.0.1:4000", SENT, typed);
  }
}
