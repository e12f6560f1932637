package io.meshpilot.conformance.diff;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonDiffTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Subject CLUSTER = new Subject("sleep.client", Section.CLUSTER, "outbound|80||a");

  @Test
  void equalValuesHaveNoDifference() throws Exception {
    JsonNode a = json("{\"name\":\"a\",\"connectTimeout\":\"10s\",\"n\":1,\"xs\":[1,2]}");
    JsonNode b = json("{\"xs\":[2,1],\"n\":1.0,\"connectTimeout\":\"10s\",\"name\":\"a\"}");
    assertThat(JsonDiff.diff(CLUSTER, a, b)).isEmpty();
  }

  @Test
  void fieldsMissingOrDifferentAreListedByPath() throws Exception {
    List<Difference> diff = JsonDiff.diff(CLUSTER,
        json("{\"commonLbConfig\":{\"healthyPanicThreshold\":{}},\"lbPolicy\":\"LEAST_REQUEST\"}"),
        json("{\"commonLbConfig\":{},\"lbPolicy\":\"ROUND_ROBIN\",\"extra\":true}"));
    assertThat(diff).extracting(Difference::path)
        .containsExactly("commonLbConfig.healthyPanicThreshold", "extra", "lbPolicy");
    assertThat(diff.get(0).onlyIstiod()).isTrue();
    assertThat(diff.get(1).onlyMeshpilot()).isTrue();
    assertThat(diff.get(2).istiod().asText()).isEqualTo("LEAST_REQUEST");
  }

  @Test
  void namedElementsCompareByNameAndReorderingIsOneDifference() throws Exception {
    List<Difference> diff = JsonDiff.diff(CLUSTER,
        json("{\"filters\":[{\"name\":\"x\",\"v\":1},{\"name\":\"y\",\"v\":2},{\"name\":\"z\"}]}"),
        json("{\"filters\":[{\"name\":\"y\",\"v\":3},{\"name\":\"x\",\"v\":1}]}"));
    assertThat(diff).extracting(Difference::path)
        .containsExactly("filters[y].v", "filters[z]", "filters (order)");
    assertThat(diff.get(0).pathPattern()).isEqualTo("filters[*].v");
  }

  @Test
  void scalarListsCompareAsSetsAndNameTheValue() throws Exception {
    List<Difference> diff = JsonDiff.diff(CLUSTER, json("{\"domains\":[\"a\",\"b\"]}"),
        json("{\"domains\":[\"b\",\"fd00::1\"]}"));
    assertThat(diff).extracting(Difference::path).containsExactly("domains[a]", "domains[fd00::1]");
  }

  @Test
  void endpointsCompareBySocketAddressAndUnkeyedListsByIndex() throws Exception {
    List<Difference> diff = JsonDiff.diff(CLUSTER,
        json("{\"lb\":[{\"endpoint\":{\"address\":{\"socketAddress\":{\"address\":\"10.0.0.1\",\"portValue\":80}}},"
            + "\"healthStatus\":\"HEALTHY\"}],\"m\":[{\"a\":1},{\"a\":2}]}"),
        json("{\"lb\":[{\"endpoint\":{\"address\":{\"socketAddress\":{\"address\":\"10.0.0.1\",\"portValue\":80}}}}],"
            + "\"m\":[{\"a\":1}]}"));
    assertThat(diff).extracting(Difference::path).containsExactly("lb[10.0.0.1:80].healthStatus", "m[1]");
  }

  @Test
  void theOrderOfALocalitysEndpointsIsNotADifference() throws Exception {
    String a = "{\"endpoint\":{\"address\":{\"socketAddress\":{\"address\":\"10.0.0.1\",\"portValue\":80}}}}";
    String b = "{\"endpoint\":{\"address\":{\"socketAddress\":{\"address\":\"fd00::1\",\"portValue\":80}}}}";
    assertThat(JsonDiff.diff(CLUSTER, json("{\"e\":[{\"lbEndpoints\":[" + a + "," + b + "]}]}"),
        json("{\"e\":[{\"lbEndpoints\":[" + b + "," + a + "]}]}"))).isEmpty();
  }

  @Test
  void theOrderOfARouteMatchsQueryParametersIsNotADifference() throws Exception {
    String q = "{\"name\":\"q\",\"stringMatch\":{\"exact\":\"1\"}}";
    String r = "{\"name\":\"r\",\"presentMatch\":true}";
    assertThat(JsonDiff.diff(CLUSTER, json("{\"match\":{\"queryParameters\":[" + r + "," + q + "]}}"),
        json("{\"match\":{\"queryParameters\":[" + q + "," + r + "]}}"))).isEmpty();
    // what a parameter matches still counts
    assertThat(JsonDiff.diff(CLUSTER, json("{\"match\":{\"queryParameters\":[" + q + "]}}"),
        json("{\"match\":{\"queryParameters\":[" + q.replace("\"1\"", "\"2\"") + "]}}")))
        .extracting(Difference::path).containsExactly("match.queryParameters[q].stringMatch.exact");
  }

  static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }
}
