package io.meshpilot.xds.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.WireFormat;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.xds.MeshDiscovery;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.push.PushSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * NDS over the ADS server as pilot-agent asks for it (DNS capture on): one {@code NameTable} with the
 * proxy's visible services, decoded here from the wire by nds.proto's field numbers alone, and pushed
 * again when services change. {@code -Dgolden.update=true} rewrites the golden file.
 */
class AdsServerNameTableTest {
  private static final String NDS = XdsType.NAME_TABLE.typeUrl();
  private static final String GOLDEN = "nds/name-table.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
  private MeshDiscovery discovery;
  private XdsTestClient client;

  @BeforeEach
  void start() throws Exception {
    for (HasMetadata object : List.of(
        service("reviews", "default", "10.96.0.10", "*"),
        service("private", "team", "10.96.0.30", "."),
        service("mysql", "default", "None", "*"),
        pod("mysql-0", "10.244.0.5"),
        pod("mysql-1", "10.244.0.6"),
        mysqlSlice(),
        serviceEntry("api", Map.of("hosts", List.of("api.example.com"), "resolution", "DNS")),
        serviceEntry("fixed", Map.of("hosts", List.of("db.partner.example"), "resolution", "STATIC",
            "addresses", List.of("192.0.2.10", "192.0.2.0/24"),
            "endpoints", List.of(Map.of("address", "192.0.2.11")))),
        serviceEntry("passthrough", Map.of("hosts", List.of("any.example.org"), "resolution", "NONE")))) {
      registry.upsert("test", object);
    }
    discovery = MeshDiscovery.start(registry, MeshSettings.defaults(), PushSettings.defaults(),
        new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    discovery.close();
  }

  @Test
  void aProxyCapturingDnsGetsTheNameTableOfWhatItCanSee() throws Exception {
    client = XdsTestClient.sotw(discovery.port(), node(true));
    client.request(XdsType.NAME_TABLE, List.of(), "", "");
    DiscoveryResponse response = client.next(XdsType.NAME_TABLE);

    assertThat(response.getTypeUrl()).isEqualTo(NDS);
    assertThat(response.getResourcesList()).singleElement().extracting(Any::getTypeUrl).isEqualTo(NDS);
    Map<String, Map<String, Object>> table = decode(response.getResources(0).getValue());
    assertGolden(table);
    assertThat(table).doesNotContainKeys("private.team.svc.cluster.local", "any.example.org");
    assertThat(table.get("api.example.com").get("ips")).asList().singleElement().asString().startsWith("240.240.");
  }

  @Test
  void withoutDnsCaptureServiceEntryHostsHaveNoAutoAllocatedAddress() {
    client = XdsTestClient.sotw(discovery.port(), node(false));
    client.request(XdsType.NAME_TABLE, List.of(), "", "");

    assertThat(decode(client.next(XdsType.NAME_TABLE).getResources(0).getValue()))
        .containsKeys("reviews.default.svc.cluster.local", "db.partner.example")
        .doesNotContainKey("api.example.com");
  }

  @Test
  void aNewServiceIsPushedInTheNextTable() {
    client = XdsTestClient.sotw(discovery.port(), node(true));
    client.request(XdsType.NAME_TABLE, List.of(), "", "");
    client.ack(XdsType.NAME_TABLE, client.next(XdsType.NAME_TABLE), List.of());

    registry.upsert("test", service("ratings", "default", "10.96.0.20", "*"));

    assertThat(decode(client.next(XdsType.NAME_TABLE).getResources(0).getValue()))
        .containsEntry("ratings.default.svc.cluster.local",
            Map.of("ips", List.of("10.96.0.20"), "registry", "Kubernetes", "shortname", "ratings",
                "namespace", "default"));
  }

  @Test
  void deltaClientsGetTheOneUnnamedTableToo() {
    client = XdsTestClient.delta(discovery.port(), node(true));
    client.deltaRequest(XdsType.NAME_TABLE, List.of(), List.of(), "", Map.of(), false);

    DeltaDiscoveryResponse response = client.nextDelta(XdsType.NAME_TABLE);
    assertThat(response.getResourcesList()).singleElement().satisfies(resource -> {
      assertThat(resource.getName()).isEmpty(); // istiod's NDS resource has no name either
      assertThat(decode(resource.getResource().getValue())).containsKey("reviews.default.svc.cluster.local");
    });
  }

  /**
   * {@code NameTable}: {@code map<string, NameInfo> table = 1}; {@code NameInfo}: {@code ips = 1}
   * (repeated), {@code registry = 2}, {@code shortname = 3}, {@code namespace = 4}.
   */
  private static Map<String, Map<String, Object>> decode(ByteString bytes) {
    try {
      Map<String, Map<String, Object>> table = new TreeMap<>();
      CodedInputStream in = bytes.newCodedInput();
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        assertThat(WireFormat.getTagFieldNumber(tag)).as("NameTable field").isEqualTo(1);
        assertThat(WireFormat.getTagWireType(tag)).isEqualTo(WireFormat.WIRETYPE_LENGTH_DELIMITED);
        CodedInputStream entry = in.readBytes().newCodedInput();
        String key = "";
        Map<String, Object> info = new TreeMap<>();
        for (int t = entry.readTag(); t != 0; t = entry.readTag()) {
          switch (WireFormat.getTagFieldNumber(t)) {
            case 1 -> key = entry.readStringRequireUtf8();
            case 2 -> info = nameInfo(entry.readBytes());
            default -> throw new AssertionError("unexpected map entry field " + t);
          }
        }
        table.put(key, info);
      }
      return table;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> nameInfo(ByteString bytes) throws IOException {
    Map<String, Object> info = new TreeMap<>();
    List<String> ips = new ArrayList<>();
    CodedInputStream in = bytes.newCodedInput();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> ips.add(in.readStringRequireUtf8());
        case 2 -> info.put("registry", in.readStringRequireUtf8());
        case 3 -> info.put("shortname", in.readStringRequireUtf8());
        case 4 -> info.put("namespace", in.readStringRequireUtf8());
        default -> throw new AssertionError("unexpected NameInfo field " + tag);
      }
    }
    info.put("ips", ips);
    return info;
  }

  private static void assertGolden(Map<String, Map<String, Object>> table) throws IOException {
    String actual = JSON.writeValueAsString(table) + "\n";
    if (Boolean.getBoolean("golden.update")) {
      Path file = Path.of("src/test/resources", GOLDEN);
      Files.createDirectories(file.getParent());
      Files.writeString(file, actual);
    }
    try (InputStream in = AdsServerNameTableTest.class.getResourceAsStream("/" + GOLDEN)) {
      assertThat(in).as("test resource %s (run with -Dgolden.update=true)", GOLDEN).isNotNull();
      assertThat(actual).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private static Node node(boolean dnsCapture) {
    Struct.Builder metadata = Struct.newBuilder()
        .putFields("NAMESPACE", Value.newBuilder().setStringValue("default").build())
        .putFields("INSTANCE_IPS", Value.newBuilder().setStringValue("10.244.0.9").build())
        .putFields("CLUSTER_ID", Value.newBuilder().setStringValue("Kubernetes").build());
    if (dnsCapture) {
      metadata.putFields("DNS_CAPTURE", Value.newBuilder().setStringValue("true").build());
    }
    return Node.newBuilder().setId("sidecar~10.244.0.9~app.default~default.svc.cluster.local")
        .setMetadata(metadata).build();
  }

  private static io.fabric8.kubernetes.api.model.Service service(String name, String namespace, String clusterIp,
      String exportTo) {
    return new ServiceBuilder().withNewMetadata().withName(name).withNamespace(namespace)
        .addToAnnotations("networking.istio.io/exportTo", exportTo).endMetadata()
        .withNewSpec().withClusterIP(clusterIp).withSelector(Map.of("app", name))
        .addNewPort().withName("tcp-" + name).withPort(3306).endPort().endSpec().build();
  }

  private static io.fabric8.kubernetes.api.model.Pod pod(String name, String ip) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace("default")
        .withLabels(Map.of("app", "mysql")).endMetadata()
        .withNewSpec().withHostname(name).withSubdomain("mysql").endSpec()
        .withNewStatus().withPodIP(ip).addNewPodIP(ip)
        .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build();
  }

  private static io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice mysqlSlice() {
    EndpointSliceBuilder slice = new EndpointSliceBuilder().withNewMetadata().withName("mysql-x")
        .withNamespace("default").withLabels(Map.of("kubernetes.io/service-name", "mysql")).endMetadata()
        .withAddressType("IPv4").addNewPort().withName("tcp-mysql").withPort(3306).endPort();
    for (String pod : List.of("mysql-0", "mysql-1")) {
      String ip = pod.equals("mysql-0") ? "10.244.0.5" : "10.244.0.6";
      slice.addToEndpoints(new EndpointBuilder().withAddresses(ip).withNewConditions().withReady(true).endConditions()
          .withNewTargetRef().withKind("Pod").withName(pod).withNamespace("default").endTargetRef().build());
    }
    return slice.build();
  }

  private static GenericKubernetesResource serviceEntry(String name, Map<String, Object> spec) {
    Map<String, Object> withPorts = new java.util.HashMap<>(spec);
    withPorts.put("ports", List.of(Map.of("number", 443, "name", "tls", "protocol", "TLS")));
    return new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1").withKind("ServiceEntry")
        .withNewMetadata().withName(name).withNamespace("default").endMetadata()
        .addToAdditionalProperties("spec", withPorts).build();
  }
}
