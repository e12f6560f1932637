package io.meshpilot.registry;

import static io.meshpilot.registry.TestObjects.dnsSpec;
import static io.meshpilot.registry.TestObjects.pod;
import static io.meshpilot.registry.TestObjects.service;
import static io.meshpilot.registry.TestObjects.serviceEntry;
import static io.meshpilot.registry.TestObjects.slice;
import static io.meshpilot.registry.TestObjects.workloadEntry;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeshRegistryTest {
  private static final String SOURCE = "test";
  private final MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
  private final List<RegistryChange> changes = new ArrayList<>();

  MeshRegistryTest() {
    registry.addListener(changes::add);
  }

  private List<String> hostnames() {
    return registry.services().stream().map(Service::hostname).toList();
  }

  private List<String> endpointAddresses(String hostname, String ns) {
    return registry.endpointShards(hostname, ns).values().stream().flatMap(List::stream).map(Endpoint::address).toList();
  }

  @Test
  void serviceUpsertIsAServiceChangeAndDeleteRemovesIt() {
    registry.upsert(SOURCE, service("default", "reviews", "10.96.0.1", "2024-01-01T00:00:00Z"));
    assertThat(hostnames()).containsExactly("reviews.default.svc.cluster.local");
    assertThat(changes).containsExactly(new RegistryChange(java.util.Set.of("reviews.default.svc.cluster.local"), java.util.Set.of()));

    registry.delete(SOURCE, service("default", "reviews", "10.96.0.1", "2024-01-01T00:00:00Z"));
    assertThat(hostnames()).isEmpty();
    assertThat(changes).hasSize(2);
  }

  @Test
  void unchangedObjectIsNotAChange() {
    registry.upsert(SOURCE, service("default", "reviews", "10.96.0.1", "2024-01-01T00:00:00Z"));
    registry.upsert(SOURCE, service("default", "reviews", "10.96.0.1", "2024-01-01T00:00:00Z"));
    assertThat(changes).hasSize(1);
  }

  @Test
  void endpointSliceChangeIsAnEndpointOnlyChange() {
    registry.upsert(SOURCE, service("default", "reviews", "10.96.0.1", "2024-01-01T00:00:00Z"));
    registry.upsert(SOURCE, pod("default", "reviews-1", "10.244.0.1", Map.of("app", "reviews")));
    changes.clear();

    registry.upsert(SOURCE, slice("default", "reviews", "reviews-x", Map.of("10.244.0.1", "reviews-1")));

    assertThat(changes).containsExactly(new RegistryChange(java.util.Set.of(), java.util.Set.of("reviews.default.svc.cluster.local")));
    assertThat(endpointAddresses("reviews.default.svc.cluster.local", "default")).containsExactly("10.244.0.1");
  }

  @Test
  void endpointWaitsForItsPodAndAppearsWhenThePodArrives() {
    registry.upsert(SOURCE, service("default", "reviews", "10.96.0.1", "2024-01-01T00:00:00Z"));
    registry.upsert(SOURCE, slice("default", "reviews", "reviews-x", Map.of("10.244.0.1", "reviews-1")));
    assertThat(endpointAddresses("reviews.default.svc.cluster.local", "default")).isEmpty();
    changes.clear();

    registry.upsert(SOURCE, pod("default", "reviews-1", "10.244.0.1", Map.of("app", "reviews")));

    assertThat(changes).extracting(RegistryChange::endpoints).containsExactly(java.util.Set.of("reviews.default.svc.cluster.local"));
    assertThat(endpointAddresses("reviews.default.svc.cluster.local", "default")).containsExactly("10.244.0.1");
    assertThat(registry.endpointShards("reviews.default.svc.cluster.local", "default")).containsOnlyKeys("Kubernetes/Kubernetes");
  }

  @Test
  void removingAnEndpointSliceRemovesItsEndpoints() {
    registry.upsert(SOURCE, service("default", "reviews", "10.96.0.1", "2024-01-01T00:00:00Z"));
    registry.upsert(SOURCE, pod("default", "reviews-1", "10.244.0.1", Map.of("app", "reviews")));
    registry.upsert(SOURCE, slice("default", "reviews", "reviews-x", Map.of("10.244.0.1", "reviews-1")));
    registry.delete(SOURCE, slice("default", "reviews", "reviews-x", Map.of()));
    assertThat(endpointAddresses("reviews.default.svc.cluster.local", "default")).isEmpty();
  }

  @Test
  void podIndexFollowsSlicesSoPodChurnDoesNotGrowIt() {
    registry.upsert(SOURCE, service("default", "reviews", "10.96.0.1", "2024-01-01T00:00:00Z"));
    registry.upsert(SOURCE, slice("default", "reviews", "reviews-x", Map.of("10.244.0.1", "reviews-1")));
    assertThat(registry.indexedWorkloadRefs()).isEqualTo(2); // the address and the pod

    registry.upsert(SOURCE, slice("default", "reviews", "reviews-x", Map.of("10.244.0.2", "reviews-2")));
    assertThat(registry.indexedWorkloadRefs()).isEqualTo(2);

    registry.delete(SOURCE, slice("default", "reviews", "reviews-x", Map.of()));
    assertThat(registry.indexedWorkloadRefs()).isZero();
  }

  @Test
  void kubernetesServicesComeFirstSortedByHostnameThenServiceEntriesByCreation() {
    registry.upsert(SOURCE, serviceEntry("default", "late", "2024-03-01T00:00:00Z", dnsSpec("a.example.com")));
    registry.upsert(SOURCE, serviceEntry("default", "early", "2024-02-01T00:00:00Z", dnsSpec("z.example.com")));
    registry.upsert(SOURCE, service("default", "zeta", "10.96.0.2", "2024-01-01T00:00:00Z"));
    registry.upsert(SOURCE, service("default", "alpha", "10.96.0.1", "2024-05-01T00:00:00Z"));

    assertThat(hostnames()).containsExactly("alpha.default.svc.cluster.local", "zeta.default.svc.cluster.local",
        "z.example.com", "a.example.com");
  }

  @Test
  void invalidServiceEntryIsRejectedWithItsReasonAndOthersKeepWorking() {
    registry.upsert(SOURCE, serviceEntry("default", "good", "2024-02-01T00:00:00Z", dnsSpec("good.example.com")));
    registry.upsert(SOURCE, serviceEntry("default", "bad", "2024-02-01T00:00:00Z", dnsSpec("*")));

    assertThat(hostnames()).containsExactly("good.example.com");
    assertThat(registry.rejections()).singleElement().satisfies(r -> {
      assertThat(r.object()).isEqualTo(new ObjectKey("ServiceEntry", "default", "bad"));
      assertThat(r.source()).isEqualTo(SOURCE);
      assertThat(r.reason()).contains("spec.hosts[0]");
    });
    assertThat(registry.rejectionCounts()).containsEntry("ServiceEntry", 1L);
  }

  @Test
  void invalidUpdateKeepsTheLastGoodVersionUntilAValidOneReplacesIt() {
    registry.upsert(SOURCE, serviceEntry("default", "api", "2024-02-01T00:00:00Z", dnsSpec("v1.example.com")));
    registry.upsert(SOURCE, serviceEntry("default", "api", "2024-02-01T00:00:00Z", dnsSpec("*")));
    assertThat(hostnames()).containsExactly("v1.example.com");
    assertThat(registry.rejections()).hasSize(1);

    registry.upsert(SOURCE, serviceEntry("default", "api", "2024-02-01T00:00:00Z", dnsSpec("v2.example.com")));
    assertThat(hostnames()).containsExactly("v2.example.com");
    assertThat(registry.rejections()).isEmpty();
  }

  @Test
  void unparseableServiceEntryIsRejectedWithTheFieldPath() {
    registry.upsert(SOURCE, serviceEntry("default", "typo", "2024-02-01T00:00:00Z", Map.of("hosts", List.of("x.example.com"),
        "resolution", "DNS", "ports", List.of(Map.of("number", "abc", "name", "http")))));
    assertThat(registry.rejections()).singleElement().satisfies(r -> assertThat(r.reason()).contains("spec.ports[0].number"));
    assertThat(hostnames()).isEmpty();
  }

  @Test
  void deletingARejectedObjectClearsItsRejection() {
    registry.upsert(SOURCE, serviceEntry("default", "bad", "2024-02-01T00:00:00Z", dnsSpec("*")));
    registry.delete(SOURCE, serviceEntry("default", "bad", "2024-02-01T00:00:00Z", dnsSpec("*")));
    assertThat(registry.rejections()).isEmpty();
  }

  @Test
  void serviceEntryWithoutAddressesGetsItsAutoAllocatedVips() {
    registry.upsert(SOURCE, serviceEntry("default", "api", "2024-02-01T00:00:00Z", dnsSpec("api.example.com")));
    Service service = registry.services().get(0);
    assertThat(service.autoAllocatedIPv4Address()).isEqualTo("240.240.131.162");
    assertThat(service.autoAllocatedIPv6Address()).isEqualTo("2001:2::f0f0:83a2");
  }

  @Test
  void dnsServiceEntryWithoutEndpointsResolvesItsHostInTheExternalShard() {
    registry.upsert(SOURCE, serviceEntry("default", "api", "2024-02-01T00:00:00Z", dnsSpec("api.example.com")));
    assertThat(registry.endpointShards("api.example.com", "default")).containsOnlyKeys("External/Kubernetes");
    assertThat(endpointAddresses("api.example.com", "default")).containsExactly("api.example.com");
  }

  @Test
  void workloadSelectorEntryFollowsMatchingPods() {
    registry.upsert(SOURCE, serviceEntry("default", "sel", "2024-02-01T00:00:00Z", Map.of(
        "hosts", List.of("sel.example.internal"), "resolution", "STATIC", "location", "MESH_INTERNAL",
        "addresses", List.of("192.0.2.9"),
        "workloadSelector", Map.of("labels", Map.of("app", "vm")),
        "ports", List.of(Map.of("number", 80, "name", "http", "protocol", "HTTP")))));
    assertThat(endpointAddresses("sel.example.internal", "default")).isEmpty();
    changes.clear();

    registry.upsert(SOURCE, pod("default", "vm-1", "10.244.0.9", Map.of("app", "vm")));
    registry.upsert(SOURCE, pod("default", "other", "10.244.0.10", Map.of("app", "other")));

    assertThat(endpointAddresses("sel.example.internal", "default")).containsExactly("10.244.0.9");
    assertThat(changes).anySatisfy(c -> assertThat(c.endpoints()).contains("sel.example.internal"));
  }

  @Test
  void workloadSelectorEntryPicksWorkloadEntriesOfItsNamespace() {
    registry.upsert(SOURCE, serviceEntry("external", "vm", "2024-02-01T00:00:00Z", Map.of(
        "hosts", List.of("vm.example.internal"), "resolution", "STATIC", "location", "MESH_INTERNAL",
        "workloadSelector", Map.of("labels", Map.of("app", "vm")),
        "ports", List.of(Map.of("number", 8080, "name", "http", "protocol", "HTTP", "targetPort", 9090)))));
    changes.clear();

    registry.upsert(SOURCE, workloadEntry("external", "vm-1", Map.of("address", "10.2.0.5",
        "labels", Map.of("app", "vm", "version", "v1"), "locality", "eu/eu-1", "weight", 3, "network", "n1"),
        Map.of(), Map.of()));
    registry.upsert(SOURCE, workloadEntry("external", "vm-2", Map.of("address", "10.2.0.6",
        "labels", Map.of("app", "other"), "ports", Map.of("http", 19090)), Map.of("app", "vm"), Map.of()));
    registry.upsert(SOURCE, workloadEntry("elsewhere", "vm-3", Map.of("address", "10.2.0.7",
        "labels", Map.of("app", "vm")), Map.of(), Map.of()));
    registry.upsert(SOURCE, workloadEntry("external", "vm-unhealthy", Map.of("address", "10.2.0.8",
        "labels", Map.of("app", "vm")), Map.of(), Map.of("proxy.istio.io/health-checks-enabled", "true")));

    List<Endpoint> endpoints = registry.endpointShards("vm.example.internal", "external").values().stream()
        .flatMap(List::stream).toList();
    // vm-2's object label beats its spec label; vm-3 is in another namespace; vm-unhealthy has no Healthy condition
    assertThat(endpoints).extracting(Endpoint::address).containsExactly("10.2.0.5", "10.2.0.6");
    Endpoint vm1 = endpoints.get(0);
    assertThat(vm1.endpointPort()).isEqualTo(9090);
    assertThat(vm1.lbWeight()).isEqualTo(3);
    assertThat(vm1.network()).isEqualTo("n1");
    assertThat(vm1.locality().label()).isEqualTo("eu/eu-1");
    assertThat(vm1.workloadName()).isEqualTo("vm-1");
    assertThat(vm1.labels()).containsEntry("version", "v1");
    assertThat(endpoints.get(1).endpointPort()).as("the entry's port of the same name").isEqualTo(19090);
    assertThat(changes).anySatisfy(c -> assertThat(c.endpoints()).contains("vm.example.internal"));

    changes.clear();
    registry.delete(SOURCE, workloadEntry("external", "vm-1", Map.of("address", "10.2.0.5"), Map.of(), Map.of()));
    assertThat(endpointAddresses("vm.example.internal", "external")).containsExactly("10.2.0.6");
    assertThat(changes).anySatisfy(c -> assertThat(c.endpoints()).contains("vm.example.internal"));
  }

  @Test
  void workloadEntryWithoutAddressOrNetworkIsRejected() {
    registry.upsert(SOURCE, workloadEntry("external", "empty", Map.of("labels", Map.of("app", "vm")), Map.of(), Map.of()));
    assertThat(registry.rejections()).anySatisfy(r -> assertThat(r.reason()).contains("spec.address: required"));
  }

  @Test
  void registryIsSyncedOnlyWhenEverySourceHasSynced() {
    assertThat(registry.synced()).isTrue();
    registry.sourceStarted("kubernetes");
    registry.sourceStarted("file:/x");
    registry.sourceSynced("file:/x");
    assertThat(registry.synced()).isFalse();
    assertThat(registry.pendingSources()).containsExactly("kubernetes");
    registry.sourceSynced("kubernetes");
    assertThat(registry.synced()).isTrue();
  }
}
