package io.meshpilot.registry.serviceentry;

import static io.meshpilot.registry.serviceentry.Fixtures.CONFIG;
import static io.meshpilot.registry.serviceentry.Fixtures.entry;
import static io.meshpilot.registry.serviceentry.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.meshpilot.registry.model.AutoAllocation;
import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.model.Protocol;
import io.meshpilot.registry.model.RegistryKind;
import io.meshpilot.registry.model.Resolution;
import io.meshpilot.registry.model.Service;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServiceEntryConverterTest {

  @Test
  void entryWithoutResolutionOrLocationIsMeshExternalPassthroughWithoutAddress() {
    List<Service> services = ServiceEntryConverter.services(spec("{hosts: [api.example.com]}"), CONFIG);

    assertThat(services).singleElement().satisfies(s -> {
      assertThat(s.hostname()).isEqualTo("api.example.com");
      assertThat(s.resolution()).isEqualTo(Resolution.PASSTHROUGH);
      assertThat(s.resolution().code()).isEqualTo(2);
      assertThat(s.meshExternal()).isTrue();
      assertThat(s.defaultAddress()).isEqualTo("0.0.0.0");
      assertThat(s.autoAllocatedIPv4Address()).isEmpty();
      assertThat(s.autoAllocatedIPv6Address()).isEmpty();
      assertThat(s.clusterVIPs()).isEmpty();
      assertThat(s.resourceVersion()).isEmpty();
      assertThat(s.creationTime()).isEqualTo(Service.ZERO_TIME);
    });
  }

  @Test
  void meshInternalIsNotMeshExternal() {
    List<Service> services = ServiceEntryConverter.services(
        spec("{hosts: [vm.internal], location: MESH_INTERNAL, resolution: STATIC}"), CONFIG);

    assertThat(services).singleElement().extracting(Service::meshExternal).isEqualTo(false);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"NONE, PASSTHROUGH, 2", "STATIC, CLIENT_SIDE_LB, 0", "DNS, DNS_LB, 1",
      "DNS_ROUND_ROBIN, DNS_ROUND_ROBIN_LB, 3", "DYNAMIC_DNS, DYNAMIC_DNS, 5"})
  void resolutionIsMappedToIstiodsModelValues(String seResolution, Resolution expected, int code) {
    List<Service> services = ServiceEntryConverter.services(
        spec("{hosts: ['*.example.com'], resolution: " + seResolution + "}"), CONFIG);

    assertThat(services).singleElement().satisfies(s -> {
      assertThat(s.resolution()).isEqualTo(expected);
      assertThat(s.resolution().code()).isEqualTo(code);
    });
  }

  @Test
  void oneServicePerHostAndAddressInHostsThenAddressesOrder() {
    List<Service> services = ServiceEntryConverter.services(
        spec("{hosts: [a.example.com, b.example.com], addresses: [10.0.0.1, 10.0.0.2], resolution: STATIC}"), CONFIG);

    assertThat(services).extracting(Service::hostname, Service::defaultAddress).containsExactly(
        tuple("a.example.com", "10.0.0.1"),
        tuple("a.example.com", "10.0.0.2"),
        tuple("b.example.com", "10.0.0.1"),
        tuple("b.example.com", "10.0.0.2"));
  }

  @Test
  void hostsAreTakenVerbatim() {
    List<Service> services = ServiceEntryConverter.services(spec("{hosts: [API.Example.com]}"), CONFIG);

    assertThat(services).extracting(Service::hostname).containsExactly("API.Example.com");
  }

  @Test
  void fullLengthPrefixesBecomeBareAddressesAndOtherCidrsStay() {
    List<Service> services = ServiceEntryConverter.services(spec(
        "{hosts: [db.internal], addresses: [10.0.0.5/32, '2001:DB8:0:0:0:0:0:1/128', 10.8.0.0/16, '2001:db8::/64', '::ffff:10.0.0.1/128']}"),
        CONFIG);

    assertThat(services).extracting(Service::defaultAddress)
        .containsExactly("10.0.0.5", "2001:db8::1", "10.8.0.0/16", "2001:db8::/64", "::ffff:10.0.0.1");
  }

  @Test
  void invalidAddressesAreSkippedSilently() {
    List<Service> services = ServiceEntryConverter.services(
        spec("{hosts: [db.internal], addresses: [db.example.com, 10.0.0.7, 10.0.0.0/40]}"), CONFIG);

    assertThat(services).extracting(Service::defaultAddress).containsExactly("10.0.0.7");
  }

  @Test
  void entryWhoseAddressesAreAllInvalidHasNoServices() {
    List<Service> services = ServiceEntryConverter.services(
        spec("{hosts: [db.internal, db2.internal], addresses: [nope, 300.0.0.1]}"), CONFIG);

    assertThat(services).isEmpty();
  }

  @Test
  void portProtocolsAreParsedAsWholeStrings() {
    List<Service> services = ServiceEntryConverter.services(spec("""
        hosts: [api.example.com]
        ports:
        - {name: http-web, number: 80, protocol: http}
        - {name: grpc, number: 90, protocol: GRPC-Web}
        - {name: web, number: 8080}
        - {name: tcp-db, number: 5432, protocol: tcp-db}
        - {name: mongo, number: 27017, protocol: MONGO}
        """), CONFIG);

    assertThat(services.get(0).ports()).containsExactly(
        new Port("http-web", 80, Protocol.HTTP),
        new Port("grpc", 90, Protocol.GRPC_WEB),
        new Port("web", 8080, Protocol.UNSUPPORTED),
        new Port("tcp-db", 5432, Protocol.UNSUPPORTED),
        new Port("mongo", 27017, Protocol.MONGO));
  }

  @Test
  void passthroughTargetPortsAreKeptForResolutionNone() {
    String ports = ", ports: [{name: http, number: 80, protocol: HTTP, targetPort: 8080}, {name: tls, number: 443, protocol: TLS}]}";

    Service none = ServiceEntryConverter.services(spec("{hosts: [a.example.com]" + ports), CONFIG).get(0);
    Service dns = ServiceEntryConverter.services(spec("{hosts: [a.example.com], resolution: DNS" + ports), CONFIG).get(0);

    assertThat(none.attributes().passthroughTargetPorts()).containsExactly(Map.entry(80, 8080));
    assertThat(dns.attributes().passthroughTargetPorts()).isEmpty();
  }

  @Test
  void attributesDescribeTheServiceEntry() {
    ServiceEntry se = entry("""
        labels: {app: payments}
        creationTimestamp: "2024-05-01T10:20:30Z"
        """, """
        hosts: [api.example.com]
        resolution: STATIC
        exportTo: [".", istio-system]
        workloadSelector: {labels: {app: payments-vm}}
        subjectAltNames: [spiffe://cluster.local/ns/default/sa/payments]
        """);

    Service s = ServiceEntryConverter.services(se, CONFIG).get(0);

    assertThat(s.attributes().registry()).isEqualTo(RegistryKind.EXTERNAL);
    assertThat(s.attributes().name()).isEqualTo("api.example.com");
    assertThat(s.attributes().namespace()).isEqualTo("default");
    assertThat(s.attributes().labels()).containsExactly(Map.entry("app", "payments"));
    assertThat(s.attributes().exportTo()).isEqualTo(Set.of(".", "istio-system"));
    assertThat(s.attributes().labelSelectors()).containsExactly(Map.entry("app", "payments-vm"));
    assertThat(s.attributes().objectName()).isEqualTo("ext");
    assertThat(s.attributes().type()).isEmpty();
    assertThat(s.attributes().externalName()).isEmpty();
    assertThat(s.attributes().nodeLocal()).isFalse();
    assertThat(s.attributes().publishNotReadyAddresses()).isFalse();
    assertThat(s.attributes().clusterExternalAddresses()).isEmpty();
    assertThat(s.attributes().clusterExternalPorts()).isEmpty();
    assertThat(s.attributes().trafficDistribution()).isZero();
    assertThat(s.attributes().dnsConnectStrategy()).isZero();
    assertThat(s.serviceAccounts()).containsExactly("spiffe://cluster.local/ns/default/sa/payments");
    assertThat(s.creationTime()).isEqualTo(Instant.parse("2024-05-01T10:20:30Z"));
  }

  @Test
  void entryWithoutExportToOrSelectorHasEmptySets() {
    Service s = ServiceEntryConverter.services(spec("{hosts: [api.example.com]}"), CONFIG).get(0);

    assertThat(s.attributes().exportTo()).isEmpty();
    assertThat(s.attributes().labelSelectors()).isEmpty();
    assertThat(s.attributes().labels()).isEmpty();
    assertThat(s.serviceAccounts()).isEmpty();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"PreferClose, 1", "preferclose, 1", "PreferSameZone, 1", "PREFERSAMEZONE, 1", "PreferSameNode, 2",
      "prefersamenode, 2", "Any, 0", "bogus, 0"})
  void trafficDistributionComesFromTheAnnotation(String value, int expected) {
    ServiceEntry se = entry("annotations: {networking.istio.io/traffic-distribution: " + value + "}",
        "{hosts: [api.example.com]}");

    assertThat(ServiceEntryConverter.services(se, CONFIG).get(0).attributes().trafficDistribution()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"RACE_FIRST_TCP_CONNECT, 1", "race_first_tcp_connect, 1", "DEFAULT, 0", "'', 0"})
  void connectStrategyComesFromTheAnnotation(String value, int expected) {
    ServiceEntry se = entry("annotations: {istio.io/connect-strategy: '" + value + "'}", "{hosts: [api.example.com]}");

    assertThat(ServiceEntryConverter.services(se, CONFIG).get(0).attributes().dnsConnectStrategy()).isEqualTo(expected);
  }

  private static final String STATUS = """
      addresses:
      - {host: a.example.com, value: 240.240.0.1}
      - {host: a.example.com, value: "2001:2::1"}
      - {host: b.example.com, value: 240.240.0.2}
      - {host: b.example.com, value: 240.240.0.9}
      - {host: b.example.com, value: not-an-ip}
      """;

  @Test
  void statusAddressesFromIstiodsControllerAreEachHostsVipsTheLastOfEachFamilyWinning() {
    List<Service> services = ServiceEntryConverter.services(
        entry("", "{hosts: [a.example.com, b.example.com, c.example.com], resolution: DNS}", STATUS), CONFIG);

    assertThat(services)
        .extracting(Service::hostname, Service::defaultAddress, Service::autoAllocatedIPv4Address,
            Service::autoAllocatedIPv6Address, Service::autoAllocation)
        .containsExactly(
            tuple("a.example.com", "0.0.0.0", "240.240.0.1", "2001:2::1", AutoAllocation.STATUS),
            tuple("b.example.com", "0.0.0.0", "240.240.0.9", "", AutoAllocation.STATUS),
            // no status address: left to the in-memory scheme
            tuple("c.example.com", "0.0.0.0", "", "", AutoAllocation.NONE));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "spec addresses win      | ''                                                         | {hosts: [a.example.com], resolution: DNS, addresses: [10.0.0.1]}",
      "resolution NONE         | ''                                                         | {hosts: [a.example.com], resolution: NONE}",
      "opted out by label      | 'labels: {networking.istio.io/enable-autoallocate-ip: FALSE}' | {hosts: [a.example.com], resolution: DNS}"})
  void statusAddressesAreIgnoredWhereIstiodWouldNotAllocate(String why, String metadata, String spec) {
    List<Service> services = ServiceEntryConverter.services(entry(metadata, spec, STATUS), CONFIG);

    assertThat(services).allSatisfy(s -> {
      assertThat(s.autoAllocatedIPv4Address()).isEmpty();
      assertThat(s.autoAllocation()).isEqualTo(AutoAllocation.NONE);
    });
  }
}
