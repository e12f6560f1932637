package io.meshpilot.registry.serviceentry;

import static io.meshpilot.registry.serviceentry.Fixtures.CONFIG;
import static io.meshpilot.registry.serviceentry.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.HealthStatus;
import io.meshpilot.registry.model.Locality;
import io.meshpilot.registry.model.Service;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ServiceEntryConverter#endpoints}: inline endpoints, host-as-endpoint and workload selection. */
class ServiceEntryEndpointsTest {

  private static final String PORTS = """
      ports:
      - {name: http, number: 80, protocol: HTTP, targetPort: 8080}
      - {name: grpc, number: 90, protocol: GRPC}
      """;

  @Test
  void inlineEndpointsGiveOneEndpointPerEndpointAndPortNamedAfterTheEntry() {
    ServiceEntry se = spec("""
        hosts: [vm.internal]
        addresses: [10.0.0.100]
        resolution: STATIC
        """ + PORTS + """
        endpoints:
        - address: 10.0.0.1
          ports: {http: 9080}
        - address: 10.0.0.2
          ports: {grpc: 9090}
        """);

    List<Endpoint> endpoints = endpointsOfFirstService(se);

    assertThat(endpoints)
        .extracting(Endpoint::address, Endpoint::servicePortName, Endpoint::legacyClusterPortKey,
            Endpoint::endpointPort, Endpoint::workloadName)
        .containsExactly(
            // the endpoint's named port wins, then targetPort, then the port number
            tuple("10.0.0.1", "http", 80, 9080, "ext-0"),
            tuple("10.0.0.1", "grpc", 90, 90, "ext-0"),
            tuple("10.0.0.2", "http", 80, 8080, "ext-1"),
            tuple("10.0.0.2", "grpc", 90, 9090, "ext-1"));
    assertThat(endpoints).allSatisfy(e -> {
      assertThat(e.namespace()).isEqualTo("default");
      assertThat(e.health()).as("istiod builds ServiceEntry endpoints without a health status")
          .isEqualTo(HealthStatus.UNKNOWN);
      assertThat(e.addresses()).hasSize(1);
    });
  }

  @Test
  void inlineEndpointCarriesIdentityTopologyAndWeight() {
    ServiceEntry se = spec("""
        hosts: [vm.internal]
        resolution: STATIC
        ports: [{name: http, number: 80, protocol: HTTP}]
        endpoints:
        - address: 10.0.0.1
          labels: {app: vm}
          network: net-a
          locality: us-east1/us-east1-b/rack1
          weight: 7
          serviceAccount: vm-sa
        """);
    RegistryConfig config = new RegistryConfig("cluster.local", "cluster-1", "example.org", List.of());

    Endpoint e = ServiceEntryConverter.endpoints(se, ServiceEntryConverter.services(se, config).get(0), List.of(), config)
        .get(0);

    assertThat(e.labels()).containsOnly(
        Map.entry("app", "vm"),
        Map.entry("topology.kubernetes.io/region", "us-east1"),
        Map.entry("topology.kubernetes.io/zone", "us-east1-b"),
        Map.entry("topology.istio.io/subzone", "rack1"),
        Map.entry("topology.istio.io/cluster", "cluster-1"),
        Map.entry("topology.istio.io/network", "net-a"));
    assertThat(e.serviceAccount()).isEqualTo("spiffe://example.org/ns/default/sa/vm-sa");
    assertThat(e.tlsMode()).isEqualTo("istio");
    assertThat(e.network()).isEqualTo("net-a");
    assertThat(e.locality()).isEqualTo(new Locality("us-east1/us-east1-b/rack1", "cluster-1"));
    assertThat(e.lbWeight()).isEqualTo(7);
  }

  @Test
  void inlineEndpointWithoutServiceAccountHasTlsDisabled() {
    Endpoint e = endpointsOfFirstService(spec("""
        hosts: [vm.internal]
        resolution: STATIC
        ports: [{name: http, number: 80, protocol: HTTP}]
        endpoints: [{address: 10.0.0.1}]
        """)).get(0);

    assertThat(e.tlsMode()).isEqualTo("disabled");
    assertThat(e.serviceAccount()).isEmpty();
    assertThat(e.labels()).containsOnly(Map.entry("topology.istio.io/cluster", "Kubernetes"));
    assertThat(e.locality()).isEqualTo(new Locality("", "Kubernetes"));
    assertThat(e.lbWeight()).isZero();
  }

  @Test
  void tlsModeLabelOverridesTheServiceAccountRule() {
    Endpoint e = endpointsOfFirstService(spec("""
        hosts: [vm.internal]
        resolution: STATIC
        ports: [{name: http, number: 80, protocol: HTTP}]
        endpoints: [{address: 10.0.0.1, serviceAccount: vm-sa, labels: {security.istio.io/tlsMode: disabled}}]
        """)).get(0);

    assertThat(e.tlsMode()).isEqualTo("disabled");
    assertThat(e.serviceAccount()).isEqualTo("spiffe://cluster.local/ns/default/sa/vm-sa");
  }

  @Test
  void localityFallsBackToTheLocalityLabelWithDotsAsSlashes() {
    Endpoint e = endpointsOfFirstService(spec("""
        hosts: [vm.internal]
        resolution: STATIC
        ports: [{name: http, number: 80, protocol: HTTP}]
        endpoints: [{address: 10.0.0.1, labels: {topology.istio.io/locality: eu-west1.eu-west1-c}}]
        """)).get(0);

    assertThat(e.locality().label()).isEqualTo("eu-west1/eu-west1-c");
    assertThat(e.labels()).containsEntry("topology.kubernetes.io/region", "eu-west1")
        .containsEntry("topology.kubernetes.io/zone", "eu-west1-c")
        .doesNotContainKey("topology.istio.io/subzone");
  }

  @Test
  void existingNetworkLabelIsKept() {
    Endpoint e = endpointsOfFirstService(spec("""
        hosts: [vm.internal]
        resolution: STATIC
        ports: [{name: http, number: 80, protocol: HTTP}]
        endpoints: [{address: 10.0.0.1, network: net-a, labels: {topology.istio.io/network: net-label}}]
        """)).get(0);

    assertThat(e.labels()).containsEntry("topology.istio.io/network", "net-label");
    assertThat(e.network()).isEqualTo("net-a");
  }

  @Test
  void unixSocketEndpointHasNoPortAndNoPrefix() {
    Endpoint e = endpointsOfFirstService(spec("""
        hosts: [uds.internal]
        resolution: STATIC
        ports: [{name: http, number: 80, protocol: HTTP, targetPort: 8080}]
        endpoints: [{address: 'unix:///var/run/app.sock'}]
        """)).get(0);

    assertThat(e.addresses()).containsExactly("/var/run/app.sock");
    assertThat(e.endpointPort()).isZero();
    assertThat(e.legacyClusterPortKey()).isEqualTo(80);
  }

  @Test
  void inlineEndpointsApplyToEveryServiceOfTheEntry() {
    ServiceEntry se = spec("""
        hosts: [a.internal, b.internal]
        addresses: [10.0.0.100]
        resolution: STATIC
        ports: [{name: http, number: 80, protocol: HTTP}]
        endpoints: [{address: 10.0.0.1}]
        """);
    List<Service> services = ServiceEntryConverter.services(se, CONFIG);

    assertThat(services).hasSize(2);
    assertThat(ServiceEntryConverter.endpoints(se, services.get(1), List.of(), CONFIG))
        .isEqualTo(ServiceEntryConverter.endpoints(se, services.get(0), List.of(), CONFIG))
        .extracting(Endpoint::address).containsExactly("10.0.0.1");
  }

  @Test
  void dnsEntryWithoutEndpointsUsesEachServiceHostnameAsItsEndpoint() {
    ServiceEntry se = spec("""
        hosts: [a.example.com, b.example.com]
        resolution: DNS
        """ + PORTS);
    List<Service> services = ServiceEntryConverter.services(se, CONFIG);

    List<Endpoint> first = ServiceEntryConverter.endpoints(se, services.get(0), List.of(), CONFIG);
    List<Endpoint> second = ServiceEntryConverter.endpoints(se, services.get(1), List.of(), CONFIG);

    assertThat(first).extracting(Endpoint::address, Endpoint::servicePortName, Endpoint::endpointPort,
        Endpoint::legacyClusterPortKey).containsExactly(
            tuple("a.example.com", "http", 8080, 80),
            tuple("a.example.com", "grpc", 90, 90));
    assertThat(second).extracting(Endpoint::address).containsOnly("b.example.com");
    assertThat(first).allSatisfy(e -> {
      assertThat(e.labels()).isEmpty();
      assertThat(e.tlsMode()).isEqualTo("disabled");
      assertThat(e.workloadName()).isEqualTo("ext");
      assertThat(e.namespace()).isEqualTo("default");
      assertThat(e.locality()).isEqualTo(new Locality("", "Kubernetes"));
      assertThat(e.serviceAccount()).isEmpty();
    });
  }

  @Test
  void dnsRoundRobinEntryWithoutEndpointsAlsoUsesTheHostname() {
    ServiceEntry se = spec("{hosts: [a.example.com], resolution: DNS_ROUND_ROBIN, ports: [{name: http, number: 80, protocol: HTTP}]}");

    assertThat(endpointsOfFirstService(se)).extracting(Endpoint::address).containsExactly("a.example.com");
  }

  @Test
  void staticAndNoneEntriesWithoutEndpointsHaveNone() {
    assertThat(endpointsOfFirstService(spec("{hosts: [a.internal], resolution: STATIC, ports: [{name: http, number: 80}]}")))
        .isEmpty();
    assertThat(endpointsOfFirstService(spec("{hosts: [a.internal], ports: [{name: http, number: 80}]}"))).isEmpty();
  }

  @Test
  void dnsEntryWithASelectorDoesNotUseItsHostname() {
    ServiceEntry se = spec("""
        hosts: [a.example.com]
        resolution: DNS
        ports: [{name: http, number: 80, protocol: HTTP}]
        workloadSelector: {labels: {app: vm}}
        """);

    assertThat(endpointsOfFirstService(se)).isEmpty();
  }

  @Test
  void selectorPicksReadyWorkloadsOfTheNamespaceWhoseLabelsContainIt() {
    ServiceEntry se = selectorEntry("STATIC");
    List<SelectedWorkload> candidates = List.of(
        pod("match", "10.1.0.1", Map.of("app", "vm", "version", "v1"), true),
        pod("other-app", "10.1.0.2", Map.of("app", "web"), true),
        pod("not-ready", "10.1.0.3", Map.of("app", "vm"), false),
        new SelectedWorkload("Pod", "elsewhere", "other-ns", "10.1.0.4", Map.of("app", "vm"), "", Map.of(), "", "", "",
            true, 0));

    assertThat(ServiceEntryConverter.endpoints(se, firstService(se), candidates, CONFIG))
        .extracting(Endpoint::address).containsExactly("10.1.0.1", "10.1.0.1");
  }

  @Test
  void selectedWorkloadsAreOrderedByKindNamespaceAndName() {
    ServiceEntry se = selectorEntry("STATIC");
    List<SelectedWorkload> candidates = List.of(
        workloadEntry("we-b", "10.2.0.2"),
        pod("pod-b", "10.1.0.2", Map.of("app", "vm"), true),
        workloadEntry("we-a", "10.2.0.1"),
        pod("pod-a", "10.1.0.1", Map.of("app", "vm"), true));

    assertThat(ServiceEntryConverter.endpoints(se, firstService(se), candidates, CONFIG))
        .extracting(Endpoint::address, Endpoint::servicePortName)
        .containsExactly(
            tuple("10.1.0.1", "http"), tuple("10.1.0.1", "grpc"),
            tuple("10.1.0.2", "http"), tuple("10.1.0.2", "grpc"),
            tuple("10.2.0.1", "http"), tuple("10.2.0.1", "grpc"),
            tuple("10.2.0.2", "http"), tuple("10.2.0.2", "grpc"));
  }

  @Test
  void selectedWorkloadUsesItsNamedPortThenTargetPortThenNumber() {
    ServiceEntry se = selectorEntry("STATIC");
    SelectedWorkload w = new SelectedWorkload("Pod", "default", "p", "10.1.0.1", Map.of("app", "vm"), "", Map.of("grpc", 7070),
        "", "", "", true, 0);

    assertThat(ServiceEntryConverter.endpoints(se, firstService(se), List.of(w), CONFIG))
        .extracting(Endpoint::servicePortName, Endpoint::endpointPort, Endpoint::legacyClusterPortKey)
        .containsExactly(tuple("http", 8080, 80), tuple("grpc", 7070, 90));
  }

  @Test
  void selectedPodCarriesIdentityAndTopology() {
    ServiceEntry se = selectorEntry("STATIC");
    SelectedWorkload w = new SelectedWorkload("Pod", "default", "vm-7d9f-abc", "10.1.0.1",
        Map.of("app", "vm", "security.istio.io/tlsMode", "istio", "service.istio.io/workload-name", "vm"), "vm-sa",
        Map.of(), "us-east1/us-east1-b/", "net-a", "node-1", true, 0);

    Endpoint e = ServiceEntryConverter.endpoints(se, firstService(se), List.of(w), CONFIG).get(0);

    assertThat(e.serviceAccount()).isEqualTo("spiffe://cluster.local/ns/default/sa/vm-sa");
    assertThat(e.tlsMode()).isEqualTo("istio");
    assertThat(e.workloadName()).isEqualTo("vm");
    assertThat(e.nodeName()).isEqualTo("node-1");
    assertThat(e.network()).isEqualTo("net-a");
    assertThat(e.namespace()).isEqualTo("default");
    assertThat(e.locality()).isEqualTo(new Locality("us-east1/us-east1-b/", "Kubernetes"));
    assertThat(e.labels())
        .containsEntry("kubernetes.io/hostname", "node-1")
        .containsEntry("topology.kubernetes.io/region", "us-east1")
        .containsEntry("topology.kubernetes.io/zone", "us-east1-b")
        .containsEntry("topology.istio.io/cluster", "Kubernetes")
        .containsEntry("topology.istio.io/network", "net-a")
        .doesNotContainKey("topology.istio.io/subzone");
    assertThat(e.health()).isEqualTo(HealthStatus.HEALTHY);
  }

  @Test
  void selectedPodWithoutTlsModeLabelHasTlsDisabledEvenWithAServiceAccount() {
    ServiceEntry se = selectorEntry("STATIC");
    SelectedWorkload w = new SelectedWorkload("Pod", "default", "p", "10.1.0.1", Map.of("app", "vm"), "sa", Map.of(),
        "", "", "", true, 0);

    assertThat(ServiceEntryConverter.endpoints(se, firstService(se), List.of(w), CONFIG).get(0).tlsMode())
        .isEqualTo("disabled");
  }

  @Test
  void selectedWorkloadEntryWithServiceAccountHasIstioTlsAndItsNameAsWorkload() {
    ServiceEntry se = selectorEntry("STATIC");
    SelectedWorkload w = new SelectedWorkload("WorkloadEntry", "default", "vm-1", "10.2.0.1", Map.of("app", "vm"), "vm-sa",
        Map.of(), "", "", "", true, 0);

    Endpoint e = ServiceEntryConverter.endpoints(se, firstService(se), List.of(w), CONFIG).get(0);

    assertThat(e.tlsMode()).isEqualTo("istio");
    assertThat(e.workloadName()).isEqualTo("vm-1");
  }

  @Test
  void hostnameAndUnixWorkloadsAreOnlySelectedByDnsEntries() {
    List<SelectedWorkload> candidates = List.of(workloadEntry("we-dns", "vm.example.com"),
        workloadEntry("we-uds", "unix:///var/run/vm.sock"), workloadEntry("we-ip", "10.2.0.1"));

    ServiceEntry staticEntry = selectorEntry("STATIC");
    ServiceEntry dnsEntry = selectorEntry("DNS");

    assertThat(ServiceEntryConverter.endpoints(staticEntry, firstService(staticEntry), candidates, CONFIG))
        .extracting(Endpoint::address).containsOnly("10.2.0.1");
    assertThat(ServiceEntryConverter.endpoints(dnsEntry, firstService(dnsEntry), candidates, CONFIG))
        .extracting(Endpoint::address, Endpoint::endpointPort).containsExactly(
            tuple("vm.example.com", 8080), tuple("vm.example.com", 90),
            tuple("10.2.0.1", 8080), tuple("10.2.0.1", 90),
            tuple("/var/run/vm.sock", 0), tuple("/var/run/vm.sock", 0));
  }

  @Test
  void selectorWithoutLabelsSelectsNothing() {
    ServiceEntry se = spec("""
        hosts: [vm.internal]
        resolution: STATIC
        ports: [{name: http, number: 80, protocol: HTTP}]
        workloadSelector: {}
        """);

    assertThat(ServiceEntryConverter.endpoints(se, firstService(se),
        List.of(pod("p", "10.1.0.1", Map.of("app", "vm"), true)), CONFIG)).isEmpty();
  }

  private static ServiceEntry selectorEntry(String resolution) {
    return spec("""
        hosts: [vm.internal]
        resolution: %s
        workloadSelector: {labels: {app: vm}}
        """.formatted(resolution) + PORTS);
  }

  private static SelectedWorkload pod(String name, String ip, Map<String, String> labels, boolean ready) {
    return new SelectedWorkload("Pod", "default", name, ip, labels, "", Map.of(), "", "", "", ready, 0);
  }

  private static SelectedWorkload workloadEntry(String name, String address) {
    return new SelectedWorkload("WorkloadEntry", "default", name, address, Map.of("app", "vm"), "", Map.of(), "", "", "",
        true, 0);
  }

  private static Service firstService(ServiceEntry se) {
    return ServiceEntryConverter.services(se, CONFIG).get(0);
  }

  private static List<Endpoint> endpointsOfFirstService(ServiceEntry se) {
    return ServiceEntryConverter.endpoints(se, firstService(se), List.of(), CONFIG);
  }
}
