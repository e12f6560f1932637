package io.meshpilot.registry.serviceentry;

import io.meshpilot.registry.validation.Validation;
import static io.meshpilot.registry.serviceentry.Fixtures.entry;
import static io.meshpilot.registry.serviceentry.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ServiceEntryValidatorTest {

  /** Specs that must be accepted without errors. */
  static Stream<Arguments> validEntries() {
    return Stream.of(
        valid("plain DNS entry", "{hosts: [api.example.com], ports: [{name: https, number: 443, protocol: TLS}], resolution: DNS}"),
        valid("wildcard host with NONE", "{hosts: ['*.example.com'], ports: [{name: tls, number: 443, protocol: TLS}]}"),
        valid("host with a trailing dot", "{hosts: [api.example.com.], resolution: DNS, ports: [{name: http, number: 80, protocol: HTTP}]}"),
        valid("mixed-case host", "{hosts: [API.Example.COM], resolution: DNS, ports: [{name: http, number: 80, protocol: HTTP}]}"),
        valid("single-label host", "{hosts: [db], addresses: [10.0.0.1], ports: [{name: tcp, number: 5432, protocol: TCP}]}"),
        valid("no ports at all", "{hosts: [api.example.com], resolution: DNS}"),
        valid("IPv4, IPv6 and CIDR addresses with STATIC",
            "{hosts: [db.internal], addresses: [10.0.0.1, '2001:db8::1', 10.8.0.0/16, '2001:db8::/64'], resolution: STATIC,"
                + " ports: [{name: tcp, number: 5432, protocol: TCP}], endpoints: [{address: 10.0.0.1}]}"),
        valid("CIDR with NONE", "{hosts: [db.internal], addresses: [10.8.0.0/16], ports: [{name: tcp, number: 5432, protocol: TCP}]}"),
        valid("empty protocol sniffs", "{hosts: [api.example.com], resolution: DNS, ports: [{name: web, number: 8080}]}"),
        valid("lowercase protocol", "{hosts: [api.example.com], resolution: DNS, ports: [{name: web, number: 8080, protocol: http}]}"),
        valid("valid targetPort", "{hosts: [api.example.com], resolution: DNS, ports: [{name: http, number: 80, protocol: HTTP, targetPort: 8080}]}"),
        valid("STATIC endpoint with named port",
            "{hosts: [vm.internal], resolution: STATIC, ports: [{name: http, number: 80, protocol: HTTP}],"
                + " endpoints: [{address: 10.0.0.7, ports: {http: 8080}, labels: {app: vm, 'example.com/tier': db}}]}"),
        valid("STATIC unix socket endpoint",
            "{hosts: [uds.internal], resolution: STATIC, ports: [{name: http, number: 80, protocol: HTTP}],"
                + " endpoints: [{address: 'unix:///var/run/app.sock'}]}"),
        valid("STATIC abstract unix socket endpoint",
            "{hosts: [uds.internal], resolution: STATIC, ports: [{name: http, number: 80, protocol: HTTP}],"
                + " endpoints: [{address: 'unix://@app'}]}"),
        valid("DNS endpoint by FQDN",
            "{hosts: [api.internal], resolution: DNS, ports: [{name: http, number: 80, protocol: HTTP}],"
                + " endpoints: [{address: lb.example.com}, {address: 10.0.0.9}]}"),
        valid("DNS wildcard host with endpoints",
            "{hosts: ['*.api.internal'], resolution: DNS, ports: [{name: http, number: 80, protocol: HTTP}],"
                + " endpoints: [{address: lb.example.com}]}"),
        valid("DNS_ROUND_ROBIN with one endpoint",
            "{hosts: [api.example.com], resolution: DNS_ROUND_ROBIN, ports: [{name: http, number: 80, protocol: HTTP}],"
                + " endpoints: [{address: lb.example.com}]}"),
        valid("several hosts with HTTP and TLS ports",
            "{hosts: [a.example.com, b.example.com], resolution: DNS,"
                + " ports: [{name: http, number: 80, protocol: HTTP}, {name: https, number: 443, protocol: HTTPS},"
                + " {name: grpc, number: 9000, protocol: GRPC}, {name: tls, number: 8443, protocol: TLS}]}"),
        valid("several hosts with a TCP port and NONE",
            "{hosts: [a.example.com, b.example.com], addresses: [10.0.0.1], ports: [{name: tcp, number: 9000, protocol: TCP}]}"),
        valid("workloadSelector with STATIC",
            "{hosts: [vm.internal], resolution: STATIC, ports: [{name: http, number: 80, protocol: HTTP}],"
                + " workloadSelector: {labels: {app: vm}}}"),
        valid("DYNAMIC_DNS with wildcard hosts",
            "{hosts: ['*.example.com', '*foo.example.org'], resolution: DYNAMIC_DNS,"
                + " ports: [{name: http, number: 80, protocol: HTTP}, {name: tls, number: 443, protocol: TLS}]}"),
        valid("exportTo public", "{hosts: [api.example.com], resolution: DNS, exportTo: ['*']}"),
        valid("exportTo none", "{hosts: [api.example.com], resolution: DNS, exportTo: ['~']}"),
        valid("exportTo private and other namespaces", "{hosts: [api.example.com], resolution: DNS, exportTo: ['.', istio-system, shop]}"));
  }

  /** Specs that must be rejected, each with the exact errors expected. */
  static Stream<Arguments> invalidEntries() {
    return Stream.of(
        // hosts
        invalid("no hosts", "{resolution: DNS}", "spec.hosts: at least one host is required"),
        invalid("the full wildcard host", "{hosts: ['*']}", "spec.hosts[0]: \"*\" is not allowed"),
        invalid("an IP address as host", "{hosts: [1.2.3.4], addresses: [10.0.0.1]}",
            "spec.hosts[0]: \"1.2.3.4\" is not a valid hostname (the top-level label \"4\" is all digits)"),
        invalid("an empty label", "{hosts: [api..example.com], addresses: [10.0.0.1]}",
            "spec.hosts[0]: \"api..example.com\" is not a valid hostname (it has an empty label)"),
        invalid("an underscore", "{hosts: [my_api.example.com], addresses: [10.0.0.1]}",
            "spec.hosts[0]: \"my_api.example.com\" is not a valid hostname (label \"my_api\" is not a DNS-1123 label)"),
        invalid("a wildcard in a later label", "{hosts: [api.*.example.com], addresses: [10.0.0.1]}",
            "spec.hosts[0]: \"api.*.example.com\" is not a valid hostname (label \"*\" is not a DNS-1123 label)"),
        invalid("an empty host", "{hosts: [''], addresses: [10.0.0.1]}",
            "spec.hosts[0]: \"\" is not a valid hostname (an empty name is not allowed)"),
        invalid("a label over 63 characters", "{hosts: [" + "a".repeat(64) + ".example.com], addresses: [10.0.0.1]}",
            "spec.hosts[0]: \"" + "a".repeat(64) + "...\" is not a valid hostname (label \"" + "a".repeat(64)
                + "\" is longer than 63 characters)"),
        invalid("a host over 255 characters", "{hosts: [" + longHost() + "], addresses: [10.0.0.1]}",
            "spec.hosts[0]: \"" + longHost().substring(0, 64) + "...\" is not a valid hostname (longer than 255 characters)"),
        invalid("more than 256 hosts", "{hosts: [" + manyHosts(257) + "], addresses: [10.0.0.1]}",
            "spec.hosts: at most 256 hosts are allowed, got 257"),
        // addresses
        invalid("a name as address", "{hosts: [db.internal], addresses: [db.example.com]}",
            "spec.addresses[0]: \"db.example.com\" is not a valid IP address or CIDR block"),
        invalid("an IPv4 address with leading zeros", "{hosts: [db.internal], addresses: [010.0.0.1]}",
            "spec.addresses[0]: \"010.0.0.1\" is not a valid IP address or CIDR block"),
        invalid("a prefix that is too long", "{hosts: [db.internal], addresses: [10.0.0.0/33]}",
            "spec.addresses[0]: \"10.0.0.0/33\" is not a valid CIDR block"),
        invalid("two slashes", "{hosts: [db.internal], addresses: [10.0.0.0/8/8]}",
            "spec.addresses[0]: \"10.0.0.0/8/8\" is not a valid IP address or CIDR block"),
        invalid("a CIDR with DNS resolution",
            "{hosts: [db.example.com], addresses: [10.8.0.0/16], resolution: DNS, ports: [{name: http, number: 80, protocol: HTTP}]}",
            "spec.addresses: CIDR blocks are allowed only with resolution NONE or STATIC, not DNS"),
        invalid("an address over 64 characters", "{hosts: [db.internal], addresses: ['" + "1:".repeat(33) + "1']}",
            "spec.addresses[0]: longer than 64 characters",
            "spec.addresses[0]: \"" + ("1:".repeat(33) + "1").substring(0, 64) + "...\" is not a valid IP address or CIDR block"),
        // ports
        invalid("duplicate port names",
            "{hosts: [api.example.com], resolution: DNS, ports: [{name: http, number: 80, protocol: HTTP}, {name: http, number: 8080, protocol: HTTP}]}",
            "spec.ports[1].name: duplicate port name \"http\""),
        invalid("duplicate port numbers",
            "{hosts: [api.example.com], resolution: DNS, ports: [{name: http, number: 80, protocol: HTTP}, {name: web, number: 80, protocol: HTTP}]}",
            "spec.ports[1].number: duplicate port number 80"),
        invalid("a port without name", "{hosts: [api.example.com], resolution: DNS, ports: [{number: 80, protocol: HTTP}]}",
            "spec.ports[0].name: required (a DNS-1123 label)"),
        invalid("a port name with an underscore", "{hosts: [api.example.com], resolution: DNS, ports: [{name: http_1, number: 80, protocol: HTTP}]}",
            "spec.ports[0].name: \"http_1\" is not a DNS-1123 label"),
        invalid("an unknown protocol", "{hosts: [api.example.com], resolution: DNS, ports: [{name: http, number: 80, protocol: SPDY}]}",
            "spec.ports[0].protocol: unknown protocol \"SPDY\" (one of HTTP, HTTPS, HTTP2, GRPC, GRPC-Web, HTTP_PROXY, TCP, TLS, UDP, Mongo, Redis, MySQL)"),
        invalid("a protocol with a name suffix", "{hosts: [api.example.com], resolution: DNS, ports: [{name: http, number: 80, protocol: http-web}]}",
            "spec.ports[0].protocol: unknown protocol \"http-web\" (one of HTTP, HTTPS, HTTP2, GRPC, GRPC-Web, HTTP_PROXY, TCP, TLS, UDP, Mongo, Redis, MySQL)"),
        invalid("port number 0", "{hosts: [api.example.com], resolution: DNS, ports: [{name: http, number: 0, protocol: HTTP}]}",
            "spec.ports[0].number: 0 is not a valid port number (1..65535)"),
        invalid("port number 65536", "{hosts: [api.example.com], resolution: DNS, ports: [{name: http, number: 65536, protocol: HTTP}]}",
            "spec.ports[0].number: 65536 is not a valid port number (1..65535)"),
        invalid("targetPort 70000",
            "{hosts: [api.example.com], resolution: DNS, ports: [{name: http, number: 80, protocol: HTTP, targetPort: 70000}]}",
            "spec.ports[0].targetPort: 70000 is not a valid port number (1..65535)"),
        // selector and endpoints
        invalid("selector and endpoints together",
            "{hosts: [vm.internal], resolution: STATIC, ports: [{name: http, number: 80, protocol: HTTP}],"
                + " workloadSelector: {labels: {app: vm}}, endpoints: [{address: 10.0.0.1}]}",
            "spec: workloadSelector and endpoints are mutually exclusive"),
        invalid("an empty selector key",
            "{hosts: [vm.internal], resolution: STATIC, ports: [{name: http, number: 80, protocol: HTTP}], workloadSelector: {labels: {'': vm}}}",
            "spec.workloadSelector.labels: an empty label key is not allowed (\"=vm\")"),
        invalid("a wildcard selector value",
            "{hosts: [vm.internal], resolution: STATIC, ports: [{name: http, number: 80, protocol: HTTP}], workloadSelector: {labels: {app: '*'}}}",
            "spec.workloadSelector.labels: wildcards are not allowed in a selector (\"app=*\")"),
        invalid("a wildcard selector key",
            "{hosts: [vm.internal], resolution: STATIC, ports: [{name: http, number: 80, protocol: HTTP}], workloadSelector: {labels: {'app*': vm}}}",
            "spec.workloadSelector.labels: wildcards are not allowed in a selector (\"app*=vm\")"),
        // NONE
        invalid("endpoints with NONE",
            "{hosts: [api.example.com], addresses: [10.0.0.1], ports: [{name: http, number: 80, protocol: HTTP}], endpoints: [{address: 10.0.0.2}]}",
            "spec.endpoints: not allowed when resolution is NONE"),
        // STATIC
        invalid("a hostname endpoint with STATIC",
            "{hosts: [vm.internal], resolution: STATIC, ports: [{name: http, number: 80, protocol: HTTP}], endpoints: [{address: vm.example.com}]}",
            "spec.endpoints[0].address: \"vm.example.com\" is not an IP address (resolution STATIC)"),
        invalid("an endpoint with neither address nor network",
            "{hosts: [vm.internal], resolution: STATIC, ports: [{name: http, number: 80, protocol: HTTP}], endpoints: [{labels: {app: vm}}]}",
            "spec.endpoints[0]: address or network is required"),
        invalid("a unix endpoint with two service ports",
            "{hosts: [uds.internal], resolution: STATIC, ports: [{name: http, number: 80, protocol: HTTP}, {name: grpc, number: 90, protocol: GRPC}],"
                + " endpoints: [{address: 'unix:///var/run/app.sock'}]}",
            "spec.endpoints[0].address: a unix endpoint needs exactly 1 service port, the ServiceEntry has 2"),
        invalid("a unix endpoint with ports",
            "{hosts: [uds.internal], resolution: STATIC, ports: [{name: http, number: 80, protocol: HTTP}],"
                + " endpoints: [{address: 'unix:///var/run/app.sock', ports: {http: 8080}}]}",
            "spec.endpoints[0].ports: a unix endpoint may not set ports"),
        invalid("a relative unix path",
            "{hosts: [uds.internal], resolution: STATIC, ports: [{name: http, number: 80, protocol: HTTP}], endpoints: [{address: 'unix://run/app.sock'}]}",
            "spec.endpoints[0].address: \"unix://run/app.sock\" must be an absolute path or an @abstract socket after unix://"),
        invalid("a unix path ending in a slash",
            "{hosts: [uds.internal], resolution: STATIC, ports: [{name: http, number: 80, protocol: HTTP}], endpoints: [{address: 'unix:///var/run/'}]}",
            "spec.endpoints[0].address: \"unix:///var/run/\" may not end with \"/\""),
        invalid("an endpoint port the entry does not have",
            "{hosts: [vm.internal], resolution: STATIC, ports: [{name: http, number: 80, protocol: HTTP}], endpoints: [{address: 10.0.0.1, ports: {grpc: 9000}}]}",
            "spec.endpoints[0].ports.grpc: no ServiceEntry port is named \"grpc\""),
        invalid("an endpoint port out of range",
            "{hosts: [vm.internal], resolution: STATIC, ports: [{name: http, number: 80, protocol: HTTP}], endpoints: [{address: 10.0.0.1, ports: {http: 0}}]}",
            "spec.endpoints[0].ports.http: 0 is not a valid port number (1..65535)"),
        invalid("an endpoint port key that is no DNS label",
            "{hosts: [vm.internal], resolution: STATIC, ports: [{name: http, number: 80, protocol: HTTP}], endpoints: [{address: 10.0.0.1, ports: {http_x: 81}}]}",
            "spec.endpoints[0].ports.http_x: port name \"http_x\" is not a DNS-1123 label shorter than 63 characters",
            "spec.endpoints[0].ports.http_x: no ServiceEntry port is named \"http_x\""),
        invalid("an invalid endpoint label key",
            "{hosts: [vm.internal], resolution: STATIC, ports: [{name: http, number: 80, protocol: HTTP}], endpoints: [{address: 10.0.0.1, labels: {'-app': vm}}]}",
            "spec.endpoints[0].labels: label key \"-app\" is invalid (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)"),
        invalid("an invalid endpoint label value",
            "{hosts: [vm.internal], resolution: STATIC, ports: [{name: http, number: 80, protocol: HTTP}], endpoints: [{address: 10.0.0.1, labels: {app: 'v m'}}]}",
            "spec.endpoints[0].labels.app: label value \"v m\" is invalid (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)"),
        // DNS and DNS_ROUND_ROBIN
        invalid("a wildcard host with DNS and no endpoints",
            "{hosts: ['*.example.com'], resolution: DNS, ports: [{name: http, number: 80, protocol: HTTP}]}",
            "spec.hosts[0]: \"*.example.com\" must be a fully qualified domain name when resolution is DNS and no endpoints are given"),
        invalid("two endpoints with DNS_ROUND_ROBIN",
            "{hosts: [api.example.com], resolution: DNS_ROUND_ROBIN, ports: [{name: http, number: 80, protocol: HTTP}],"
                + " endpoints: [{address: a.example.com}, {address: b.example.com}]}",
            "spec.endpoints: at most 1 endpoint is allowed when resolution is DNS_ROUND_ROBIN, got 2"),
        invalid("a DNS endpoint that is neither IP nor FQDN",
            "{hosts: [api.example.com], resolution: DNS, ports: [{name: http, number: 80, protocol: HTTP}], endpoints: [{address: 'lb!.example.com'}]}",
            "spec.endpoints[0].address: \"lb!.example.com\" is not an IP address or FQDN (label \"lb!\" is not a DNS-1123 label)"),
        invalid("a DNS endpoint with only a network",
            "{hosts: [api.example.com], resolution: DNS, ports: [{name: http, number: 80, protocol: HTTP}], endpoints: [{network: net-b}]}",
            "spec.endpoints[0].address: required for resolution DNS (an IP address or FQDN)"),
        // DYNAMIC_DNS
        invalid("a plain host with DYNAMIC_DNS",
            "{hosts: [api.example.com], resolution: DYNAMIC_DNS, ports: [{name: http, number: 80, protocol: HTTP}]}",
            "spec.hosts[0]: \"api.example.com\" must be a wildcard host when resolution is DYNAMIC_DNS"),
        invalid("addresses with DYNAMIC_DNS",
            "{hosts: ['*.example.com'], addresses: [10.0.0.1], resolution: DYNAMIC_DNS, ports: [{name: http, number: 80, protocol: HTTP}]}",
            "spec.addresses: not allowed when resolution is DYNAMIC_DNS"),
        invalid("endpoints with DYNAMIC_DNS",
            "{hosts: ['*.example.com'], resolution: DYNAMIC_DNS, ports: [{name: http, number: 80, protocol: HTTP}], endpoints: [{address: 10.0.0.1}]}",
            "spec.endpoints: not allowed when resolution is DYNAMIC_DNS"),
        invalid("a TCP port with DYNAMIC_DNS",
            "{hosts: ['*.example.com'], resolution: DYNAMIC_DNS, ports: [{name: tcp, number: 9000, protocol: TCP}]}",
            "spec.ports[0].protocol: must be HTTP, TLS, GRPC or HTTP2 when resolution is DYNAMIC_DNS, got \"TCP\""),
        // multiple hosts
        invalid("several hosts with a TCP port and DNS",
            "{hosts: [a.example.com, b.example.com], resolution: DNS,"
                + " ports: [{name: http, number: 80, protocol: HTTP}, {name: tcp, number: 9000, protocol: TCP}, {name: db, number: 5432}]}",
            "spec.ports[1].protocol: multiple hosts provided with non-HTTP, non-TLS ports: \"TCP\" cannot tell the hosts apart when resolution is DNS"),
        invalid("several hosts with an unset protocol and STATIC",
            "{hosts: [a.example.com, b.example.com], resolution: STATIC, addresses: [10.0.0.1], ports: [{name: db, number: 5432}]}",
            "spec.ports[0].protocol: multiple hosts provided with non-HTTP, non-TLS ports: \"\" cannot tell the hosts apart when resolution is STATIC"),
        // exportTo
        invalid("exportTo duplicates", "{hosts: [api.example.com], resolution: DNS, exportTo: [shop, shop]}",
            "spec.exportTo[1]: duplicate entry \"shop\""),
        invalid("exportTo dot and own namespace", "{hosts: [api.example.com], resolution: DNS, exportTo: ['.', default]}",
            "spec.exportTo[1]: duplicate entry \"default\""),
        invalid("exportTo own namespace and dot", "{hosts: [api.example.com], resolution: DNS, exportTo: [default, '.']}",
            "spec.exportTo[1]: \".\" duplicates the ServiceEntry's own namespace \"default\""),
        invalid("exportTo public and more", "{hosts: [api.example.com], resolution: DNS, exportTo: ['*', shop]}",
            "spec.exportTo: \"*\" must be the only entry"),
        invalid("exportTo none and more", "{hosts: [api.example.com], resolution: DNS, exportTo: ['~', shop]}",
            "spec.exportTo: \"~\" must be the only entry"),
        invalid("exportTo with an invalid namespace", "{hosts: [api.example.com], resolution: DNS, exportTo: [Shop_1]}",
            "spec.exportTo[0]: \"Shop_1\" must be \".\", \"*\", \"~\" or a namespace (a DNS-1123 label)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validEntries")
  void acceptsValidEntry(String description, String specYaml) {
    Validation v = ServiceEntryValidator.validate(spec(specYaml));

    assertThat(v.errors()).isEmpty();
    assertThat(v.valid()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidEntries")
  void rejectsInvalidEntryNamingFieldAndRule(String description, String specYaml, String[] expectedErrors) {
    Validation v = ServiceEntryValidator.validate(spec(specYaml));

    assertThat(v.errors()).containsExactly(expectedErrors);
    assertThat(v.valid()).isFalse();
  }

  @Test
  void dynamicDnsMeshInternalIsRejectedWhenAWaypointIsUsed() {
    String spec = "{hosts: ['*.example.com'], resolution: DYNAMIC_DNS, location: MESH_INTERNAL,"
        + " ports: [{name: http, number: 80, protocol: HTTP}]}";

    assertThat(Fixtures.errors(entry("labels: {istio.io/use-waypoint: waypoint}", spec))).containsExactly(
        "spec.location: MESH_INTERNAL is not allowed with resolution DYNAMIC_DNS when label istio.io/use-waypoint is \"waypoint\"");
    assertThat(Fixtures.errors(entry("labels: {istio.io/use-waypoint: none}", spec))).isEmpty();
    assertThat(Fixtures.errors(entry("", spec))).isEmpty();
  }

  @Test
  void partialWildcardHostIsOnlyAWarning() {
    Validation v = ServiceEntryValidator.validate(spec("{hosts: ['*foo.example.com'], addresses: [10.0.0.1]}"));

    assertThat(v.valid()).isTrue();
    assertThat(v.warnings()).containsExactly(
        "spec.hosts[0]: partial wildcard \"*foo.example.com\" (only a \"*.\" prefix is a wildcard domain)");
  }

  @Test
  void tcpPortWithoutAddressesWarnsWhenNoAddressIsAllocated() {
    Validation none = ServiceEntryValidator.validate(spec(
        "{hosts: [db.example.com], ports: [{name: tcp, number: 5432, protocol: TCP}, {name: db, number: 5433}, {name: web, number: 80, protocol: HTTP}]}"));

    assertThat(none.valid()).isTrue();
    assertThat(none.warnings()).containsExactly(
        "spec.ports[0]: addresses are required for ports serving TCP (or unset) protocol when IP auto-allocation does not apply",
        "spec.ports[1]: addresses are required for ports serving TCP (or unset) protocol when IP auto-allocation does not apply");
  }

  @Test
  void tcpPortWithoutAddressesDoesNotWarnWhenTheEntryQualifiesForAllocation() {
    String dns = "{hosts: [db.example.com], resolution: DNS, ports: [{name: tcp, number: 5432, protocol: TCP}]}";

    assertThat(ServiceEntryValidator.validate(spec(dns)).warnings()).isEmpty();
    assertThat(ServiceEntryValidator.validate(entry("labels: {networking.istio.io/enable-autoallocate-ip: 'False'}", dns))
        .warnings()).hasSize(1);
  }

  @Test
  void selectorWithoutLabelsIsAWarning() {
    Validation v = ServiceEntryValidator.validate(spec(
        "{hosts: [vm.internal], resolution: STATIC, ports: [{name: http, number: 80, protocol: HTTP}], workloadSelector: {}}"));

    assertThat(v.valid()).isTrue();
    assertThat(v.warnings()).containsExactly("spec.workloadSelector: specified without labels, so it selects no workloads");
  }

  @Test
  void selectorWithNoneResolutionIsAWarning() {
    Validation v = ServiceEntryValidator.validate(spec(
        "{hosts: [vm.internal], addresses: [10.0.0.1], ports: [{name: http, number: 80, protocol: HTTP}], workloadSelector: {labels: {app: vm}}}"));

    assertThat(v.valid()).isTrue();
    assertThat(v.warnings()).containsExactly("spec.workloadSelector: has no effect when resolution is NONE");
  }

  @Test
  void staticEndpointWithOnlyANetworkIsAWarning() {
    Validation v = ServiceEntryValidator.validate(spec(
        "{hosts: [vm.internal], resolution: STATIC, ports: [{name: http, number: 80, protocol: HTTP}], endpoints: [{network: net-b}]}"));

    assertThat(v.valid()).isTrue();
    assertThat(v.warnings()).containsExactly("spec.endpoints[0].address: unset; only network \"net-b\" is given");
  }

  @Test
  void dnsWithAddressesSeveralHostsAndTlsPortIsAWarning() {
    Validation v = ServiceEntryValidator.validate(spec(
        "{hosts: [a.example.com, b.example.com], addresses: [10.0.0.1], resolution: DNS, ports: [{name: tls, number: 443, protocol: TLS}]}"));

    assertThat(v.valid()).isTrue();
    assertThat(v.warnings()).containsExactly(
        "spec.hosts: more than one host together with addresses and a TCP-family port");
  }

  @Test
  void reportsEveryProblemAtOnce() {
    Validation v = ServiceEntryValidator.validate(spec(
        "{hosts: ['*', bad_host], resolution: DNS, ports: [{name: http, number: 0, protocol: NOPE}]}"));

    assertThat(v.errors()).hasSizeGreaterThanOrEqualTo(4)
        .anyMatch(e -> e.startsWith("spec.hosts[0]:"))
        .anyMatch(e -> e.startsWith("spec.hosts[1]:"))
        .anyMatch(e -> e.startsWith("spec.ports[0].number:"))
        .anyMatch(e -> e.startsWith("spec.ports[0].protocol:"));
  }

  private static Arguments valid(String description, String spec) {
    return Arguments.of(description, spec);
  }

  private static Arguments invalid(String description, String spec, String... errors) {
    return Arguments.of(description, spec, errors);
  }

  private static String longHost() {
    return IntStream.range(0, 26).mapToObj(i -> "abcdefghi").collect(Collectors.joining(".")) + ".com";
  }

  private static String manyHosts(int n) {
    return IntStream.range(0, n).mapToObj(i -> "h" + i + ".example.com").collect(Collectors.joining(", "));
  }
}
