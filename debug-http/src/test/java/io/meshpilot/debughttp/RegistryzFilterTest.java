package io.meshpilot.debughttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.registry.model.AutoAllocation;
import io.meshpilot.registry.model.Service;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RegistryzFilterTest {
  private static final Service REVIEWS = TestServices.k8s("reviews", "default");
  private static final Service RATINGS = TestServices.k8s("ratings", "prod");
  private static final Service API = TestServices.external("api.example.com", "default");

  @Test
  void noParametersLetEveryServiceThrough() {
    RegistryzFilter filter = RegistryzFilter.fromQuery(Map.of("pretty", List.of("")));

    assertThat(filter.isEmpty()).isTrue();
    assertThat(List.of(REVIEWS, RATINGS, API)).allMatch(filter::matches);
  }

  @Test
  void namespaceMatchesExactly() {
    RegistryzFilter filter = RegistryzFilter.fromQuery(Map.of("namespace", List.of("default")));

    assertThat(filter.matches(REVIEWS)).isTrue();
    assertThat(filter.matches(API)).isTrue();
    assertThat(filter.matches(RATINGS)).isFalse();
    assertThat(RegistryzFilter.fromQuery(Map.of("namespace", List.of("def"))).matches(REVIEWS)).isFalse();
  }

  @Test
  void hostnameIsAGlobWithStarAndQuestionMark() {
    assertThat(glob("*.default.svc.cluster.local").matches(REVIEWS)).isTrue();
    assertThat(glob("*.default.svc.cluster.local").matches(RATINGS)).isFalse();
    assertThat(glob("r?views.*").matches(REVIEWS)).isTrue();
    assertThat(glob("r?views.*").matches(RATINGS)).isFalse();
    assertThat(glob("api.example.com").matches(API)).isTrue();
    assertThat(glob("api.example").matches(API)).isFalse();
    assertThat(glob("*").matches(API)).isTrue();
  }

  @Test
  void hostnameGlobIgnoresCase() {
    assertThat(glob("API.Example.*").matches(API)).isTrue();
  }

  @Test
  void globBacktracksAcrossSeveralStars() {
    assertThat(RegistryzFilter.globMatches("*a*b?c", "xxaxxbbyc")).isTrue();
    assertThat(RegistryzFilter.globMatches("*a*b?c", "xxaxxbc")).isFalse();
    assertThat(RegistryzFilter.globMatches("a**", "a")).isTrue();
    assertThat(RegistryzFilter.globMatches("?", "")).isFalse();
  }

  @Test
  void registryIsMatchedIgnoringCase() {
    RegistryzFilter external = RegistryzFilter.fromQuery(Map.of("registry", List.of("external")));
    RegistryzFilter kubernetes = RegistryzFilter.fromQuery(Map.of("registry", List.of("Kubernetes")));

    assertThat(external.matches(API)).isTrue();
    assertThat(external.matches(REVIEWS)).isFalse();
    assertThat(kubernetes.matches(REVIEWS)).isTrue();
    assertThat(kubernetes.matches(API)).isFalse();
  }

  @Test
  void unknownRegistryMatchesNothing() {
    RegistryzFilter filter = RegistryzFilter.fromQuery(Map.of("registry", List.of("consul")));

    assertThat(List.of(REVIEWS, RATINGS, API)).noneMatch(filter::matches);
  }

  @Test
  void autoAllocationKeepsServicesWhoseVipsCameFromThatSource() {
    Service fromStatus = API.withAutoAllocatedAddresses("240.240.0.1", "2001:2::1", AutoAllocation.STATUS);
    Service inMemory = API.withAutoAllocatedAddresses("240.240.0.2", "2001:2::f0f0:2", AutoAllocation.IN_MEMORY);
    RegistryzFilter status = RegistryzFilter.fromQuery(Map.of("autoAllocation", List.of("status")));

    assertThat(status.isEmpty()).isFalse();
    assertThat(List.of(REVIEWS, fromStatus, inMemory)).filteredOn(status::matches).containsExactly(fromStatus);
    assertThat(List.of(REVIEWS, fromStatus, inMemory))
        .filteredOn(RegistryzFilter.fromQuery(Map.of("autoAllocation", List.of("IN-MEMORY")))::matches)
        .containsExactly(inMemory);
    assertThat(RegistryzFilter.fromQuery(Map.of("autoAllocation", List.of("none"))).matches(REVIEWS)).isTrue();
  }

  @Test
  void filtersCombine() {
    RegistryzFilter filter = RegistryzFilter.fromQuery(
        Map.of("namespace", List.of("default"), "registry", List.of("KUBERNETES")));

    assertThat(filter.matches(REVIEWS)).isTrue();
    assertThat(filter.matches(API)).isFalse();
    assertThat(filter.matches(RATINGS)).isFalse();
  }

  @Test
  void emptyParameterValueDoesNotFilter() {
    RegistryzFilter filter = RegistryzFilter.fromQuery(Map.of("namespace", List.of("")));

    assertThat(filter).isEqualTo(RegistryzFilter.none());
  }

  @Test
  void firstValueOfARepeatedParameterCounts() {
    RegistryzFilter filter = RegistryzFilter.fromQuery(Map.of("namespace", List.of("prod", "default")));

    assertThat(filter.namespace()).isEqualTo(Optional.of("prod"));
  }

  private static RegistryzFilter glob(String pattern) {
    return RegistryzFilter.fromQuery(Map.of("hostname", List.of(pattern)));
  }
}
