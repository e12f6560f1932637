package io.meshpilot.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meshpilot.xds.e2e.EnvoyBootstrap.AdminAddress;
import io.meshpilot.xds.e2e.EnvoyBootstrap.AdsMode;
import io.meshpilot.xds.e2e.SidecarNode.InterceptionMode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The generated sidecar bootstrap: Istio's node shape, and real Envoy accepting it (validate mode). */
class SidecarBootstrapTest {

  private static final SidecarNode NODE = SidecarNode.of("reviews-v1-5b8f7", "bookinfo", "127.20.0.5")
      .withLabels(Map.of("app", "reviews", "version", "v1"));
  private static final InetSocketAddress XDS = new InetSocketAddress("127.0.0.1", 15010);

  @TempDir
  Path dir;

  @Test
  void nodeIdHasIstiosSidecarForm() {
    assertThat(NODE.id()).isEqualTo("sidecar~127.20.0.5~reviews-v1-5b8f7.bookinfo~bookinfo.svc.cluster.local");
    assertThat(NODE.serviceCluster()).isEqualTo("reviews.bookinfo");
  }

  @Test
  void nodeMetadataCarriesTheIstioKeys() {
    JsonNode node = EnvoyBootstrap.forSidecar(NODE.withInterceptionMode(InterceptionMode.NONE))
        .toJson(new AdminAddress.Loopback()).path("node");

    assertThat(node.path("id").asText()).isEqualTo(NODE.id());
    JsonNode metadata = node.path("metadata");
    assertThat(metadata.path("NAMESPACE").asText()).isEqualTo("bookinfo");
    assertThat(metadata.path("NAME").asText()).isEqualTo("reviews-v1-5b8f7");
    assertThat(metadata.path("LABELS").path("version").asText()).isEqualTo("v1");
    assertThat(metadata.path("INSTANCE_IPS").asText()).isEqualTo("127.20.0.5");
    assertThat(metadata.path("CLUSTER_ID").asText()).isEqualTo("Kubernetes");
    assertThat(metadata.path("ISTIO_VERSION").asText()).isEqualTo("1.30.0");
    assertThat(metadata.path("INTERCEPTION_MODE").asText()).isEqualTo("NONE");
  }

  @Test
  void deltaAdsUsesDeltaGrpcThroughTheXdsGrpcCluster() {
    JsonNode json = EnvoyBootstrap.forSidecar(NODE).withAds(AdsMode.DELTA, XDS).toJson(new AdminAddress.Loopback());

    JsonNode ads = json.path("dynamic_resources").path("ads_config");
    assertThat(ads.path("api_type").asText()).isEqualTo("DELTA_GRPC");
    assertThat(ads.path("transport_api_version").asText()).isEqualTo("V3");
    assertThat(ads.path("grpc_services").get(0).path("envoy_grpc").path("cluster_name").asText()).isEqualTo("xds-grpc");
    assertThat(json.path("dynamic_resources").path("cds_config").path("resource_api_version").asText()).isEqualTo("V3");
    assertThat(json.path("dynamic_resources").path("lds_config").has("ads")).isTrue();
    JsonNode xdsCluster = json.path("static_resources").path("clusters").get(0);
    assertThat(xdsCluster.path("name").asText()).isEqualTo("xds-grpc");
    assertThat(xdsCluster.findValue("port_value").asInt()).isEqualTo(15010);
    assertThat(xdsCluster.findValue("http2_protocol_options")).isNotNull();
  }

  @Test
  void staticOnlyBootstrapHasNoDynamicResources() {
    JsonNode json = EnvoyBootstrap.forSidecar(NODE).toJson(new AdminAddress.Loopback());

    assertThat(json.has("dynamic_resources")).isFalse();
  }

  @ParameterizedTest
  @EnumSource(AdsMode.class)
  void envoyAcceptsTheAdsBootstrapOverTcp(AdsMode mode) throws IOException {
    assertEnvoyValidates(EnvoyBootstrap.forSidecar(NODE.withInterceptionMode(InterceptionMode.NONE)).withAds(mode, XDS),
        new AdminAddress.Loopback());
  }

  @ParameterizedTest
  @EnumSource(AdsMode.class)
  void envoyAcceptsTheAdsBootstrapOverAPipe(AdsMode mode) throws IOException {
    assertEnvoyValidates(EnvoyBootstrap.forSidecar(NODE).withAds(mode, dir.resolve("xds.sock")),
        new AdminAddress.Pipe(dir.resolve("admin.sock")));
  }

  private void assertEnvoyValidates(EnvoyBootstrap bootstrap, AdminAddress admin) throws IOException {
    Path config = dir.resolve("bootstrap.json");
    Files.writeString(config, bootstrap.toJson(admin).toString());

    HostCommand.Result result = HostCommand.run(Duration.ofSeconds(60), EnvoyPeer.binary().toString(),
        "--mode", "validate", "-c", config.toString(), "--disable-hot-restart", "-l", "error");

    assertThat(result.exitCode()).as(() -> result.stdout() + result.stderr()).isZero();
  }
}
