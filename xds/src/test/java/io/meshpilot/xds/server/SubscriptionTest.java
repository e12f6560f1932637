package io.meshpilot.xds.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubscriptionTest {
  private final Subscription eds = new Subscription(XdsType.ENDPOINT);

  @Test
  void theSameNamesInAnotherOrderAreNoChange() {
    List<String> names = clusters(1000);
    assertThat(eds.names(names)).isTrue();
    List<String> shuffled = new ArrayList<>(names);
    Collections.shuffle(shuffled, new java.util.Random(7));

    assertThat(eds.names(shuffled)).isFalse();
    assertThat(eds.names(copies(names))).isFalse();
    assertThat(eds.names).hasSize(1000);
  }

  @Test
  void oneNameSwappedForAnotherIsAChange() {
    List<String> names = clusters(1000);
    eds.names(names);
    List<String> swapped = new ArrayList<>(names);
    swapped.set(500, "outbound|8080||svc-9999.lt-00.svc.cluster.local");

    assertThat(eds.names(swapped)).isTrue();
    assertThat(eds.names).contains("outbound|8080||svc-9999.lt-00.svc.cluster.local")
        .doesNotContain(names.get(500));
    assertThat(eds.names(names)).isTrue();
  }

  @Test
  void namesWhoseJavaHashCodesCollideAreToldApart() {
    // DNS names with equal String.hashCode and length: a hash of the request must not stand for it
    assertThat("svc-an".hashCode()).isEqualTo("svc-c0".hashCode());
    eds.names(List.of("outbound|80||svc-an.ns.svc.cluster.local", "x"));
    assertThat(eds.names(List.of("outbound|80||svc-c0.ns.svc.cluster.local", "x"))).isTrue();
  }

  @Test
  void aRepeatedNameIsNoChangeAndAnAddedOneIs() {
    eds.names(List.of("a", "b"));
    assertThat(eds.names(List.of("a", "b", "b"))).isFalse();
    assertThat(eds.names(List.of("a", "b", "c"))).isTrue();
    assertThat(eds.names(List.of())).isTrue();
    assertThat(eds.names).isEmpty();
  }

  private static List<String> clusters(int n) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      names.add("outbound|8080||svc-%04d.lt-%02d.svc.cluster.local".formatted(i, i % 10));
    }
    return names;
  }

  /** Equal strings that are other instances, as every parsed request has them. */
  private static List<String> copies(List<String> names) {
    return names.stream().map(n -> new String(n.toCharArray())).toList();
  }
}
