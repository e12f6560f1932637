package io.meshpilot.conformance.diff;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnrunnableTest {
  @Test
  void removesIstioExtensionsAndMtlsAndCountsThem() throws Exception {
    JsonNode listener = JsonDiffTest.json("""
        {"name": "virtualInbound", "filterChains": [
          {"filterChainMatch": {"transportProtocol": "tls"}, "transportSocket": {"name": "tls"},
           "filters": [{"name": "envoy.filters.network.http_connection_manager"}]},
          {"filterChainMatch": {"transportProtocol": "raw_buffer"}, "filters": [
            {"name": "istio.metadata_exchange"},
            {"name": "envoy.filters.network.http_connection_manager", "typedConfig": {"httpFilters": [
              {"name": "istio.stats"},
              {"name": "peer", "typedConfig": {"@type": "type.googleapis.com/udpa.type.v1.TypedStruct",
                "typeUrl": "type.googleapis.com/io.istio.http.peer_metadata.Config"}},
              {"name": "envoy.filters.http.router"}]}}]}]}
        """);
    Unrunnable unrunnable = new Unrunnable();
    JsonNode stripped = unrunnable.strip(listener);

    assertThat(stripped.path("filterChains")).hasSize(1);
    JsonNode chain = stripped.path("filterChains").get(0);
    assertThat(chain.path("filters")).hasSize(1);
    assertThat(chain.path("filters").get(0).path("typedConfig").path("httpFilters").findValuesAsText("name"))
        .containsExactly("envoy.filters.http.router");
    assertThat(unrunnable.removed()).containsEntry("mTLS: filter chain terminating TLS", 1)
        .containsEntry("istio.* extension: istio.stats", 1).containsEntry("istio.* extension: peer", 1)
        .containsEntry("istio.* extension: istio.metadata_exchange", 1);
    assertThat(listener.path("filterChains")).as("the input is left alone").hasSize(2);
  }

  @Test
  void removesClusterTransportSocketsButKeepsTheRest() throws Exception {
    JsonNode cluster = JsonDiffTest.json("""
        {"name": "outbound|9080||reviews", "transportSocketMatches": [{"name": "tlsMode-istio"}],
         "filters": [{"name": "istio.metadata_exchange"}],
         "metadata": {"filterMetadata": {"istio": {"services": []}}}}
        """);
    Unrunnable unrunnable = new Unrunnable();
    assertThat(unrunnable.strip(cluster).toString())
        .isEqualTo("{\"name\":\"outbound|9080||reviews\",\"metadata\":{\"filterMetadata\":{\"istio\":{\"services\":[]}}}}");
    assertThat(unrunnable.removed()).containsOnly(Map.entry("mTLS: transportSocketMatches", 1),
        Map.entry("istio.* extension: istio.metadata_exchange", 1));
  }
}
