package io.meshpilot.registry.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.meshpilot.registry.InvalidObjectException;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.networking.DestinationRule;
import io.meshpilot.registry.networking.IstioKind;
import io.meshpilot.registry.networking.VirtualService;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrafficConfigParserTest {

  @Test
  void specBindsByIstioFieldNames() throws Exception {
    ParsedConfig<?> parsed = Specs.parse(IstioKind.DESTINATION_RULE,
        "{host: reviews, trafficPolicy: {connectionPool: {http: {http1MaxPendingRequests: '10'}}}}");

    DestinationRule rule = (DestinationRule) parsed.config().spec();
    assertThat(rule.host()).isEqualTo("reviews");
    assertThat(rule.trafficPolicy().connectionPool().http().http1MaxPendingRequests()).isEqualTo(10);
  }

  @Test
  void metadataIsKeptWithTheSource() throws Exception {
    GenericKubernetesResource resource = Specs.resource(IstioKind.VIRTUAL_SERVICE, "{hosts: [r]}");
    resource.getMetadata().setResourceVersion("42");
    resource.getMetadata().setCreationTimestamp("2024-05-01T10:00:00Z");
    resource.getMetadata().setUid("u-1");
    resource.getMetadata().setGeneration(3L);
    resource.getMetadata().setLabels(Map.of("app", "r"));

    ParsedConfig<?> parsed = TrafficConfigParser.parse(IstioKind.VIRTUAL_SERVICE, resource, "kubernetes");

    var meta = parsed.config().meta();
    assertThat(meta.key()).isEqualTo(new ObjectKey("VirtualService", "shop", "test"));
    assertThat(meta.resourceVersion()).isEqualTo("42");
    assertThat(meta.creationTimestamp()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
    assertThat(meta.generation()).isEqualTo(3);
    assertThat(meta.labels()).containsEntry("app", "r");
    assertThat(meta.source()).isEqualTo("kubernetes");
    assertThat(parsed.stored().uid()).isEqualTo("u-1");
  }

  @Test
  void unknownFieldsAreSkippedAndNamedByTheirPath() throws Exception {
    ParsedConfig<?> parsed = Specs.parse(IstioKind.VIRTUAL_SERVICE,
        "{hosts: [r], color: blue, http: [{route: [{destination: {host: r}, shade: 1}], retries: {attempts: 2, jitter: 1s}}]}");

    assertThat(parsed.unknownFields()).containsExactly(
        "spec.color", "spec.http[0].retries.jitter", "spec.http[0].route[0].shade");
    assertThat(((VirtualService) parsed.config().spec()).http().get(0).retries().attempts()).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      a list where a string is     | {hosts: [r], http: [{timeout: [1s]}]}            | spec.http[0].timeout: expected a string
      a string where a list is     | {hosts: r}                                      | spec.hosts: expected a list
      text where a number is       | {hosts: [r], http: [{retries: {attempts: many}}]} | spec.http[0].retries.attempts: expected an integer, got "many"
      """)
  void wrongTypeFailsNamingTheField(String what, String spec, String prefix) {
    assertThatThrownBy(() -> Specs.parse(IstioKind.VIRTUAL_SERVICE, spec))
        .isInstanceOf(InvalidObjectException.class)
        .hasMessageStartingWith(prefix)
        .hasMessageNotContaining("java.");
  }

  @Test
  void missingSpecIsRefused() {
    GenericKubernetesResource resource = Specs.resource(IstioKind.SIDECAR, "{}");
    resource.getAdditionalProperties().remove("spec");

    assertThatThrownBy(() -> TrafficConfigParser.parse(IstioKind.SIDECAR, resource, "test"))
        .isInstanceOf(InvalidObjectException.class).hasMessage("spec: required");
  }

  @Test
  void dryRunAnnotationIsRefusedAsIstiodRefusesItOutsideAuthorizationPolicy() {
    GenericKubernetesResource resource = Specs.resource(IstioKind.DESTINATION_RULE, "{host: r}");
    resource.getMetadata().setAnnotations(Map.of("istio.io/dry-run", "true"));

    assertThatThrownBy(() -> TrafficConfigParser.parse(IstioKind.DESTINATION_RULE, resource, "test"))
        .hasMessageContaining("unsupported annotation istio.io/dry-run");
  }

  @Test
  void storedSpecLeavesUnsetAndUnknownFieldsOut() throws Exception {
    ParsedConfig<?> parsed = Specs.parse(IstioKind.DESTINATION_RULE,
        "{host: reviews, extra: 1, subsets: [{name: v1, labels: {version: v1}}]}");

    assertThat(parsed.stored().spec()).isEqualTo(Map.of("host", "reviews",
        "subsets", List.of(Map.of("name", "v1", "labels", Map.of("version", "v1")))));
  }
}
