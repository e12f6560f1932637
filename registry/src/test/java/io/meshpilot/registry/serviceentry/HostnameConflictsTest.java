package io.meshpilot.registry.serviceentry;

import static io.meshpilot.registry.serviceentry.Services.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.registry.model.RegistryKind;
import io.meshpilot.registry.model.Resolution;
import io.meshpilot.registry.model.Service;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostnameConflictsTest {
  private static final Instant T1 = Instant.parse("2024-01-01T00:00:00Z");
  private static final Instant T2 = Instant.parse("2024-02-01T00:00:00Z");
  private static final Instant T3 = Instant.parse("2024-03-01T00:00:00Z");

  @Test
  void oldestServiceEntryWinsForAHostnameInANamespace() {
    Service newer = se("default", "api.example.com", "newer", T2);
    Service older = se("default", "api.example.com", "older", T1);

    assertThat(HostnameConflicts.resolve(List.of(newer, older))).containsExactly(older);
  }

  @Test
  void sameHostnameInDifferentNamespacesIsKeptForEach() {
    Service a = se("ns-a", "api.example.com", "se", T2);
    Service b = se("ns-b", "api.example.com", "se", T1);

    assertThat(HostnameConflicts.resolve(List.of(a, b))).containsExactly(b, a);
  }

  @Test
  void kubernetesServiceReplacesAnOlderServiceEntry() {
    Service squatter = se("default", "web.default.svc.cluster.local", "squat", T1);
    Service kube = kube("default", "web.default.svc.cluster.local", T3);

    assertThat(HostnameConflicts.resolve(List.of(squatter, kube))).containsExactly(kube);
  }

  @Test
  void serviceEntryNeverReplacesAKubernetesService() {
    Service kube = kube("default", "web.default.svc.cluster.local", T2);
    Service older = se("default", "web.default.svc.cluster.local", "older", T1);
    Service newer = se("default", "web.default.svc.cluster.local", "newer", T3);

    assertThat(HostnameConflicts.resolve(List.of(newer, kube, older))).containsExactly(kube);
  }

  @Test
  void olderKubernetesServiceWinsOverANewerOne() {
    Service first = kube("default", "web.default.svc.cluster.local", T1);
    Service second = kube("default", "web.default.svc.cluster.local", T2);

    assertThat(HostnameConflicts.resolve(List.of(second, first))).containsExactly(first);
  }

  @Test
  void tiesAreBrokenByNameThenNamespaceThenObjectName() {
    Service byObjectB = se("default", "api.example.com", "b", T1);
    Service byObjectA = se("default", "api.example.com", "a", T1);

    assertThat(HostnameConflicts.resolve(List.of(byObjectB, byObjectA))).containsExactly(byObjectA);
    assertThat(HostnameConflicts.AGE_ORDER.compare(se("a", "x.example.com", "z", T1), se("b", "x.example.com", "a", T1)))
        .isNegative();
    assertThat(HostnameConflicts.AGE_ORDER.compare(se("b", "a.example.com", "z", T1), se("a", "b.example.com", "a", T1)))
        .isNegative();
  }

  @Test
  void fullTiesKeepTheFirstInInputOrder() {
    Service first = se("default", "api.example.com", "se", T1);
    Service second = service(RegistryKind.EXTERNAL, "default", "api.example.com", "api.example.com", "se", T1,
        "10.0.0.1", Resolution.CLIENT_SIDE_LB);

    assertThat(HostnameConflicts.resolve(List.of(first, second))).singleElement().isSameAs(first);
    assertThat(HostnameConflicts.resolve(List.of(second, first))).singleElement().isSameAs(second);
  }

  @Test
  void resultIsOrderedOldestFirst() {
    Service c = se("default", "c.example.com", "c", T3);
    Service a = se("default", "a.example.com", "a", T1);
    Service b = kube("default", "b.default.svc.cluster.local", T2);

    assertThat(HostnameConflicts.resolve(List.of(c, a, b))).containsExactly(a, b, c);
  }

  private static Service se(String namespace, String hostname, String objectName, Instant created) {
    return service(RegistryKind.EXTERNAL, namespace, hostname, hostname, objectName, created, "0.0.0.0",
        Resolution.DNS_LB);
  }

  private static Service kube(String namespace, String hostname, Instant created) {
    return service(RegistryKind.KUBERNETES, namespace, hostname, hostname.split("\\.")[0], "", created, "10.96.0.10",
        Resolution.CLIENT_SIDE_LB);
  }
}
