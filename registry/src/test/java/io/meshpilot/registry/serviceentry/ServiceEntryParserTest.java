package io.meshpilot.registry.serviceentry;

import static io.meshpilot.registry.serviceentry.Fixtures.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.meshpilot.registry.InvalidObjectException;
import io.meshpilot.registry.model.Service;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ServiceEntryParserTest {

  private static final String KUBECTL_OUTPUT = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata:
        annotations:
          networking.istio.io/traffic-distribution: PreferClose
        creationTimestamp: "2024-05-01T10:20:30Z"
        generation: 3
        labels:
          app: payments
        name: external-api
        namespace: shop
        resourceVersion: "48213"
        uid: 4f0c1c57-7a8d-4c4e-9a59-0c7e8a1e2f10
      spec:
        hosts:
        - api.example.com
        - "*.example.org"
        addresses:
        - 10.1.2.3
        - 10.9.0.0/16
        ports:
        - name: https
          number: 443
          protocol: TLS
          targetPort: 8443
        - name: http
          number: 80
          protocol: HTTP
        location: MESH_INTERNAL
        resolution: STATIC
        endpoints:
        - address: 1.1.1.1
          ports:
            https: 9443
          labels:
            version: v1
          network: net-a
          locality: us-east1/us-east1-b/rack1
          weight: 7
          serviceAccount: payments
        exportTo:
        - "."
        - istio-system
        subjectAltNames:
        - spiffe://cluster.local/ns/shop/sa/payments
        someFutureField: ignored
      status:
        conditions: []
      """;

  @Test
  void parsesEveryFieldAsKubectlPrintsIt() throws Exception {
    ServiceEntry se = ServiceEntryParser.parse(resource(KUBECTL_OUTPUT));

    assertThat(se.namespace()).isEqualTo("shop");
    assertThat(se.name()).isEqualTo("external-api");
    assertThat(se.labels()).containsExactly(Map.entry("app", "payments"));
    assertThat(se.annotations()).containsEntry("networking.istio.io/traffic-distribution", "PreferClose");
    assertThat(se.creationTime()).isEqualTo(Instant.parse("2024-05-01T10:20:30Z"));
    assertThat(se.hosts()).containsExactly("api.example.com", "*.example.org");
    assertThat(se.addresses()).containsExactly("10.1.2.3", "10.9.0.0/16");
    assertThat(se.ports()).containsExactly(new SePort("https", 443, "TLS", 8443), new SePort("http", 80, "HTTP", 0));
    assertThat(se.location()).isEqualTo(Location.MESH_INTERNAL);
    assertThat(se.resolution()).isEqualTo(SeResolution.STATIC);
    assertThat(se.endpoints()).containsExactly(new WorkloadEntry("1.1.1.1", Map.of("https", 9443),
        Map.of("version", "v1"), "net-a", "us-east1/us-east1-b/rack1", 7, "payments"));
    assertThat(se.workloadSelector()).isEmpty();
    assertThat(se.exportTo()).containsExactly(".", "istio-system");
    assertThat(se.subjectAltNames()).containsExactly("spiffe://cluster.local/ns/shop/sa/payments");
  }

  @Test
  void minimalEntryGetsIstioDefaults() throws Exception {
    ServiceEntry se = ServiceEntryParser.parse(resource("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata:
          name: ext
        spec:
          hosts: [ext.example.com]
        """));

    assertThat(se.namespace()).isEqualTo("default");
    assertThat(se.creationTime()).isEqualTo(Service.ZERO_TIME);
    assertThat(se.location()).isEqualTo(Location.MESH_EXTERNAL);
    assertThat(se.resolution()).isEqualTo(SeResolution.NONE);
    assertThat(se.labels()).isEmpty();
    assertThat(se.annotations()).isEmpty();
    assertThat(se.ports()).isEmpty();
    assertThat(se.addresses()).isEmpty();
    assertThat(se.endpoints()).isEmpty();
    assertThat(se.workloadSelector()).isEmpty();
    assertThat(se.exportTo()).isEmpty();
    assertThat(se.subjectAltNames()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"networking.istio.io/v1", "networking.istio.io/v1beta1", "networking.istio.io/v1alpha3"})
  void acceptsEveryServedApiVersion(String apiVersion) throws Exception {
    ServiceEntry se = ServiceEntryParser.parse(resource("""
        apiVersion: %s
        kind: ServiceEntry
        metadata: {name: ext, namespace: ns1}
        spec: {hosts: [ext.example.com], resolution: DNS}
        """.formatted(apiVersion)));

    assertThat(se.resolution()).isEqualTo(SeResolution.DNS);
    assertThat(se.namespace()).isEqualTo("ns1");
  }

  @Test
  void workloadSelectorWithoutLabelsIsPresentAndEmpty() throws Exception {
    ServiceEntry se = ServiceEntryParser.parse(resource("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: ext}
        spec:
          hosts: [ext.example.com]
          workloadSelector: {}
        """));

    assertThat(se.workloadSelector()).isEqualTo(Optional.of(Map.of()));
  }

  @Test
  void workloadSelectorLabelsAreRead() throws Exception {
    ServiceEntry se = ServiceEntryParser.parse(resource("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: ext}
        spec:
          hosts: [ext.example.com]
          workloadSelector:
            labels: {app: vm, tier: db}
        """));

    assertThat(se.workloadSelector()).contains(Map.of("app", "vm", "tier", "db"));
  }

  @Test
  void integralFloatingPointNumbersAreAccepted() throws Exception {
    ServiceEntry se = ServiceEntryParser.parse(withSpec(Map.of("hosts", List.of("a.example.com"),
        "ports", List.of(Map.of("name", "http", "number", 80.0, "protocol", "HTTP")))));

    assertThat(se.ports()).containsExactly(new SePort("http", 80, "HTTP", 0));
  }

  @Test
  void nullFieldsCountAsAbsent() throws Exception {
    Map<String, Object> spec = new HashMap<>();
    spec.put("hosts", List.of("a.example.com"));
    spec.put("resolution", null);
    spec.put("ports", null);

    ServiceEntry se = ServiceEntryParser.parse(withSpec(spec));

    assertThat(se.resolution()).isEqualTo(SeResolution.NONE);
    assertThat(se.ports()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      port number as text     | {hosts: [a.example.com], ports: [{name: http, number: "abc"}]}     | spec.ports[0].number: expected an integer, got "abc"
      port number as fraction | {hosts: [a.example.com], ports: [{name: http, number: 80.5}]}      | spec.ports[0].number: expected an integer, got 80.5
      negative port number    | {hosts: [a.example.com], ports: [{name: http, number: -1}]}       | spec.ports[0].number: expected a non-negative integer, got -1
      huge port number        | {hosts: [a.example.com], ports: [{name: http, number: 99999999999}]} | spec.ports[0].number: 99999999999 is out of range
      target port as text     | {hosts: [a.example.com], ports: [{name: http, number: 80, targetPort: "8080"}]} | spec.ports[0].targetPort: expected an integer, got "8080"
      unknown resolution      | {hosts: [a.example.com], resolution: FOO}                         | spec.resolution: unknown value "FOO" (one of NONE, STATIC, DNS, DNS_ROUND_ROBIN, DYNAMIC_DNS)
      lowercase resolution    | {hosts: [a.example.com], resolution: dns}                         | spec.resolution: unknown value "dns" (one of NONE, STATIC, DNS, DNS_ROUND_ROBIN, DYNAMIC_DNS)
      unknown location        | {hosts: [a.example.com], location: OUTSIDE}                       | spec.location: unknown value "OUTSIDE" (one of MESH_EXTERNAL, MESH_INTERNAL)
      numeric resolution      | {hosts: [a.example.com], resolution: 1}                           | spec.resolution: expected a string, got 1
      hosts as a string       | {hosts: a.example.com}                                            | spec.hosts: expected a list, got "a.example.com"
      host as a number        | {hosts: [a.example.com, 42]}                                      | spec.hosts[1]: expected a string, got 42
      null host               | {hosts: [a.example.com, null]}                                    | spec.hosts[1]: expected a string, got null
      ports as an object      | {hosts: [a.example.com], ports: {http: 80}}                       | spec.ports: expected a list, got an object
      port as a number        | {hosts: [a.example.com], ports: [80]}                             | spec.ports[0]: expected an object, got 80
      null port               | {hosts: [a.example.com], ports: [null]}                           | spec.ports[0]: expected an object, got null
      endpoint port as text   | {hosts: [a.example.com], endpoints: [{address: 1.1.1.1, ports: {http: x}}]} | spec.endpoints[0].ports.http: expected an integer, got "x"
      endpoint label number   | {hosts: [a.example.com], endpoints: [{address: 1.1.1.1, labels: {version: 1}}]} | spec.endpoints[0].labels.version: expected a string, got 1
      endpoint weight text    | {hosts: [a.example.com], endpoints: [{address: 1.1.1.1, weight: heavy}]} | spec.endpoints[0].weight: expected an integer, got "heavy"
      selector as a list      | {hosts: [a.example.com], workloadSelector: [app]}                 | spec.workloadSelector: expected an object, got a list
      selector label number   | {hosts: [a.example.com], workloadSelector: {labels: {app: 3}}}    | spec.workloadSelector.labels.app: expected a string, got 3
      exportTo as a string    | {hosts: [a.example.com], exportTo: "*"}                           | spec.exportTo: expected a list, got "*"
      spec as a list          | [a.example.com]                                                   | spec: expected an object, got a list
      """)
  void typeErrorsNameTheFieldPath(String description, String spec, String reason) {
    GenericKubernetesResource resource = resource("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: ext}
        spec: %s
        """.formatted(spec));

    assertThatThrownBy(() -> ServiceEntryParser.parse(resource))
        .isInstanceOf(InvalidObjectException.class)
        .hasMessage(reason);
  }

  @Test
  void statusAddressesAreReadAsIstiodsControllerWritesThem() {
    ServiceEntry se = Fixtures.entry("", "{hosts: [a.example.com], resolution: DNS}", """
        addresses: [{host: a.example.com, value: 240.240.0.1}, {host: a.example.com, value: "2001:2::1"}]
        conditions: [{type: Reconciled, status: "True"}]
        """);

    assertThat(se.statusAddresses()).containsExactly(
        new StatusAddress("a.example.com", "240.240.0.1"), new StatusAddress("a.example.com", "2001:2::1"));
    assertThat(Fixtures.spec("{hosts: [a.example.com]}").statusAddresses()).isEmpty();
  }

  @Test
  void statusAddressOfTheWrongTypeNamesItsPath() {
    GenericKubernetesResource resource = resource("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: ext}
        spec: {hosts: [a.example.com]}
        status: {addresses: [{host: a.example.com, value: [240.240.0.1]}]}
        """);

    assertThatThrownBy(() -> ServiceEntryParser.parse(resource))
        .hasMessage("status.addresses[0].value: expected a string, got a list");
  }

  @Test
  void missingSpecIsAnError() {
    GenericKubernetesResource resource = resource("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: ext}
        """);

    assertThatThrownBy(() -> ServiceEntryParser.parse(resource)).hasMessage("spec: required");
  }

  @Test
  void missingNameIsAnError() {
    GenericKubernetesResource resource = resource("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {namespace: ns1}
        spec: {hosts: [a.example.com]}
        """);

    assertThatThrownBy(() -> ServiceEntryParser.parse(resource)).hasMessage("metadata.name: required");
  }

  @Test
  void otherKindsAreRefused() {
    GenericKubernetesResource resource = resource("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: ext}
        spec: {host: a.example.com}
        """);

    assertThatThrownBy(() -> ServiceEntryParser.parse(resource))
        .hasMessage("kind: expected ServiceEntry, got \"DestinationRule\"");
  }

  @Test
  void otherApiGroupsAreRefused() {
    GenericKubernetesResource resource = resource("""
        apiVersion: example.com/v1
        kind: ServiceEntry
        metadata: {name: ext}
        spec: {hosts: [a.example.com]}
        """);

    assertThatThrownBy(() -> ServiceEntryParser.parse(resource))
        .hasMessageStartingWith("apiVersion: unsupported \"example.com/v1\"");
  }

  @Test
  void malformedCreationTimestampIsAnError() {
    GenericKubernetesResource resource = resource("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: ext, creationTimestamp: yesterday}
        spec: {hosts: [a.example.com]}
        """);

    assertThatThrownBy(() -> ServiceEntryParser.parse(resource))
        .hasMessage("metadata.creationTimestamp: \"yesterday\" is not an RFC 3339 timestamp");
  }

  @Test
  void nonStringMapKeysAreAnError() {
    GenericKubernetesResource resource = withSpec(Map.of("hosts", List.of("a.example.com"),
        "endpoints", List.of(Map.of("address", "1.1.1.1", "ports", Map.of(80, 8080)))));

    assertThatThrownBy(() -> ServiceEntryParser.parse(resource))
        .hasMessage("spec.endpoints[0].ports: key 80 is not a string");
  }

  @Test
  void nullLabelValueIsAnErrorNotACrash() {
    GenericKubernetesResource resource = withSpec(Map.of("hosts", List.of("a.example.com")));
    Map<String, String> labels = new HashMap<>();
    labels.put("app", null);
    resource.getMetadata().setLabels(labels);

    assertThatThrownBy(() -> ServiceEntryParser.parse(resource))
        .hasMessage("metadata.labels.app: expected a string, got null");
  }

  private static GenericKubernetesResource withSpec(Map<String, Object> spec) {
    GenericKubernetesResource resource = new GenericKubernetesResource();
    resource.setApiVersion("networking.istio.io/v1");
    resource.setKind("ServiceEntry");
    resource.setMetadata(new ObjectMetaBuilder().withName("ext").withNamespace("default").build());
    resource.setAdditionalProperty("spec", spec);
    return resource;
  }
}
