package io.meshpilot.registry.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.HealthStatus;
import io.meshpilot.registry.model.Locality;
import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.model.Protocol;
import io.meshpilot.registry.model.RegistryKind;
import io.meshpilot.registry.model.Resolution;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.model.ServiceAttributes;
import io.meshpilot.registry.model.ServiceVisibility;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KubeEndpointBuilderTest {
  private static final RegistryConfig CONFIG = new RegistryConfig("cluster.local", "east", "example.org", List.of());
  private static final NodeInfo NODE_A = new NodeInfo("node-a", Map.of(
      "topology.kubernetes.io/region", "us-east1", "topology.kubernetes.io/zone", "us-east1-b"));

  private final Map<String, PodInfo> podsByName = new HashMap<>();
  private final Map<String, PodInfo> podsByIp = new HashMap<>();
  private final PodLookup pods = new PodLookup() {
    @Override
    public Optional<PodInfo> byName(String namespace, String name) {
      return Optional.ofNullable(podsByName.get(namespace + "/" + name));
    }

    @Override
    public Optional<PodInfo> byIp(String ip) {
      return Optional.ofNullable(podsByIp.get(ip));
    }
  };

  private static Service service(Map<String, String> labels, Port... ports) {
    ServiceAttributes attributes = new ServiceAttributes(RegistryKind.KUBERNETES, "reviews", "shop", labels, null, ServiceVisibility.PUBLIC,
        null, null, null, null, "ClusterIP", "", false, 0, "", 0, false);
    return new Service(attributes, List.of(ports), List.of(), null, "reviews.shop.svc.cluster.local",
        Map.of("east", List.of("10.0.0.7")), "10.0.0.7", "", "", Resolution.CLIENT_SIDE_LB, false, "1");
  }

  private static Service service() {
    return service(Map.of(), new Port("http", 9080, Protocol.HTTP), new Port("grpc", 7070, Protocol.GRPC));
  }

  private static PodInfo pod(String name, String ip, Map<String, String> labels) {
    return new PodInfo("shop", name, List.of(ip), labels, "bookinfo-reviews", "node-a", "", "", "reviews",
        Map.of(), true, false);
  }

  private void add(PodInfo pod) {
    podsByName.put(pod.namespace() + "/" + pod.name(), pod);
    pod.ips().forEach(ip -> podsByIp.put(ip, pod));
  }

  private static SliceInfo.SliceEndpoint ready(String address, String podName) {
    return new SliceInfo.SliceEndpoint(List.of(address), null, null, null, "node-a", podName);
  }

  private static SliceInfo slice(String name, List<SliceInfo.SlicePort> ports, SliceInfo.SliceEndpoint... endpoints) {
    return new SliceInfo("shop", name, "reviews", ports, List.of(endpoints));
  }

  private List<Endpoint> build(Service service, SliceInfo... slices) {
    return KubeEndpointBuilder.build(service, List.of(slices), pods,
        node -> node.equals("node-a") ? Optional.of(NODE_A) : Optional.empty(), CONFIG);
  }

  @Test
  void oneEndpointPerAddressAndMatchingSlicePortWithPodMetadata() {
    add(pod("reviews-1", "10.1.0.5", Map.of("app", "reviews", "security.istio.io/tlsMode", "istio")));

    List<Endpoint> eps = build(service(), slice("s1",
        List.of(new SliceInfo.SlicePort("http", 8080), new SliceInfo.SlicePort("grpc", 7071)),
        ready("10.1.0.5", "reviews-1")));

    assertThat(eps).extracting(Endpoint::servicePortName, Endpoint::endpointPort)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("http", 8080), org.assertj.core.groups.Tuple.tuple("grpc", 7071));
    Endpoint ep = eps.get(0);
    assertThat(ep.addresses()).containsExactly("10.1.0.5");
    assertThat(ep.legacyClusterPortKey()).isZero();
    assertThat(ep.serviceAccount()).isEqualTo("spiffe://example.org/ns/shop/sa/bookinfo-reviews");
    assertThat(ep.tlsMode()).isEqualTo("istio");
    assertThat(ep.namespace()).isEqualTo("shop");
    assertThat(ep.workloadName()).isEqualTo("reviews");
    assertThat(ep.nodeName()).isEqualTo("node-a");
    assertThat(ep.health()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(ep.locality()).isEqualTo(new Locality("us-east1/us-east1-b/", "east"));
    assertThat(ep.labels()).isEqualTo(Map.of("app", "reviews", "security.istio.io/tlsMode", "istio",
        "topology.kubernetes.io/region", "us-east1", "topology.kubernetes.io/zone", "us-east1-b",
        "topology.istio.io/cluster", "east", "kubernetes.io/hostname", "node-a"));
  }

  @Test
  void slicePortsWithoutAMatchingServicePortNameAreSkipped() {
    add(pod("reviews-1", "10.1.0.5", Map.of()));

    List<Endpoint> eps = build(service(), slice("s1",
        List.of(new SliceInfo.SlicePort("metrics", 15090), new SliceInfo.SlicePort("http", 8080)),
        ready("10.1.0.5", "reviews-1")));

    assertThat(eps).extracting(Endpoint::servicePortName).containsExactly("http");
  }

  @Test
  void unnamedSinglePortJoinsTheUnnamedServicePort() {
    add(pod("reviews-1", "10.1.0.5", Map.of()));

    List<Endpoint> eps = build(service(Map.of(), new Port("", 80, Protocol.HTTP)),
        slice("s1", List.of(new SliceInfo.SlicePort("", 8080)), ready("10.1.0.5", "reviews-1")));

    assertThat(eps).extracting(Endpoint::servicePortName, Endpoint::endpointPort)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("", 8080));
  }

  @Test
  void podWithoutTlsModeLabelIsDisabled() {
    add(pod("reviews-1", "10.1.0.5", Map.of()));

    assertThat(build(service(), slice("s1", List.of(new SliceInfo.SlicePort("http", 8080)),
        ready("10.1.0.5", "reviews-1"))).get(0).tlsMode()).isEqualTo("disabled");
  }

  @Test
  void addressWhosePodIsNotKnownYetIsSkipped() {
    List<Endpoint> eps = build(service(), slice("s1", List.of(new SliceInfo.SlicePort("http", 8080)),
        ready("10.1.0.5", "reviews-1")));

    assertThat(eps).isEmpty();
  }

  @Test
  void endpointWithoutTargetRefIsMatchedToAPodByIp() {
    add(pod("reviews-1", "10.1.0.5", Map.of("app", "reviews")));

    List<Endpoint> eps = build(service(), slice("s1", List.of(new SliceInfo.SlicePort("http", 8080)),
        ready("10.1.0.5", "")));

    assertThat(eps.get(0).labels()).containsEntry("app", "reviews");
    assertThat(eps.get(0).workloadName()).isEqualTo("reviews");
  }

  @Test
  void podlessEndpointHasNoIdentityAndOnlyTheClusterLabel() {
    List<Endpoint> eps = build(service(), slice("s1", List.of(new SliceInfo.SlicePort("http", 8080)),
        ready("192.0.2.10", "")));

    Endpoint ep = eps.get(0);
    assertThat(ep.addresses()).containsExactly("192.0.2.10");
    assertThat(ep.serviceAccount()).isEmpty();
    assertThat(ep.tlsMode()).isEqualTo("disabled");
    assertThat(ep.workloadName()).isEmpty();
    assertThat(ep.namespace()).as("no workload, no namespace: istio.workload reads \";;;;<cluster>\"").isEmpty();
    assertThat(ep.labels()).isEqualTo(Map.of("topology.istio.io/cluster", "east"));
    assertThat(ep.locality()).isEqualTo(new Locality("", "east"));
  }

  @Test
  void podLocalityLabelWinsAndDotsBecomeSlashes() {
    add(pod("reviews-1", "10.1.0.5", Map.of("topology.istio.io/locality", "eu.eu-1.rack2")));
    add(pod("reviews-2", "10.1.0.6", Map.of("istio-locality", "ap/ap-1")));

    List<Endpoint> eps = build(service(), slice("s1", List.of(new SliceInfo.SlicePort("http", 8080)),
        ready("10.1.0.5", "reviews-1"), ready("10.1.0.6", "reviews-2")));

    assertThat(eps.get(0).locality().label()).isEqualTo("eu/eu-1/rack2");
    assertThat(eps.get(0).labels()).containsEntry("topology.kubernetes.io/region", "eu")
        .containsEntry("topology.kubernetes.io/zone", "eu-1").containsEntry("topology.istio.io/subzone", "rack2");
    assertThat(eps.get(1).locality().label()).isEqualTo("ap/ap-1");
  }

  @Test
  void unknownNodeGivesNoLocality() {
    add(new PodInfo("shop", "reviews-1", List.of("10.1.0.5"), Map.of(), "", "node-z", "", "", "", Map.of(),
        true, false));

    Endpoint ep = build(service(), slice("s1", List.of(new SliceInfo.SlicePort("http", 8080)),
        ready("10.1.0.5", "reviews-1"))).get(0);

    assertThat(ep.locality().label()).isEmpty();
    assertThat(ep.serviceAccount()).isEmpty();
    assertThat(ep.labels()).containsEntry("kubernetes.io/hostname", "node-z")
        .doesNotContainKey("topology.kubernetes.io/region");
  }

  @Test
  void networkLabelOfThePodIsTheEndpointNetwork() {
    add(pod("reviews-1", "10.1.0.5", Map.of("topology.istio.io/network", "net-1")));

    Endpoint ep = build(service(), slice("s1", List.of(new SliceInfo.SlicePort("http", 8080)),
        ready("10.1.0.5", "reviews-1"))).get(0);

    assertThat(ep.network()).isEqualTo("net-1");
    assertThat(ep.labels()).containsEntry("topology.istio.io/network", "net-1");
  }

  @Test
  void hostnameAndSubdomainOnlyWithASubdomain() {
    add(new PodInfo("shop", "db-0", List.of("10.1.0.5"), Map.of(), "", "node-a", "", "db", "db", Map.of(), true,
        false));
    add(new PodInfo("shop", "db-1", List.of("10.1.0.6"), Map.of(), "", "node-a", "db-one", "", "db", Map.of(),
        true, false));

    List<Endpoint> eps = build(service(), slice("s1", List.of(new SliceInfo.SlicePort("http", 8080)),
        ready("10.1.0.5", "db-0"), ready("10.1.0.6", "db-1")));

    assertThat(eps.get(0).hostName()).isEqualTo("db-0");
    assertThat(eps.get(0).subDomain()).isEqualTo("db");
    assertThat(eps.get(1).hostName()).isEmpty();
    assertThat(eps.get(1).subDomain()).isEmpty();
  }

  @Test
  void duplicatesAcrossSlicesKeepTheFirstInSliceNameOrder() {
    add(pod("reviews-1", "10.1.0.5", Map.of()));

    List<Endpoint> eps = build(service(),
        slice("s2", List.of(new SliceInfo.SlicePort("http", 9999)), ready("10.1.0.5", "reviews-1")),
        slice("s1", List.of(new SliceInfo.SlicePort("http", 8080)), ready("10.1.0.5", "reviews-1")));

    assertThat(eps).extracting(Endpoint::endpointPort).containsExactly(8080);
  }

  @Test
  void slicesOfOtherServicesAreIgnored() {
    add(pod("reviews-1", "10.1.0.5", Map.of()));

    List<Endpoint> eps = build(service(), new SliceInfo("shop", "x", "ratings",
        List.of(new SliceInfo.SlicePort("http", 8080)), List.of(ready("10.1.0.5", "reviews-1"))));

    assertThat(eps).isEmpty();
  }

  @ParameterizedTest(name = "ready={0} serving={1} terminating={2} draining={3} -> {4}")
  @CsvSource(nullValues = "null", textBlock = """
      null,  null,  null,  false, HEALTHY
      true,  false, true,  false, HEALTHY
      false, true,  true,  true,  DRAINING
      false, null,  null,  true,  DRAINING
      false, true,  true,  false, TERMINATING
      false, false, true,  true,  TERMINATING
      false, true,  null,  false, TERMINATING
      false, true,  false, true,  UNHEALTHY
      false, false, false, false, UNHEALTHY
      """)
  void healthFollowsTheSliceConditions(Boolean ready, Boolean serving, Boolean terminating, boolean draining,
      HealthStatus expected) {
    assertThat(KubeEndpointBuilder.health(
        new SliceInfo.SliceEndpoint(List.of("10.1.0.5"), ready, serving, terminating, "", ""), draining))
        .isEqualTo(expected);
  }

  @Test
  void persistentSessionLabelOnTheServiceEnablesDraining() {
    add(pod("reviews-1", "10.1.0.5", Map.of()));
    SliceInfo.SliceEndpoint terminating =
        new SliceInfo.SliceEndpoint(List.of("10.1.0.5"), false, true, true, "node-a", "reviews-1");

    Service sticky = service(Map.of("istio.io/persistent-session", "cookie"), new Port("http", 9080, Protocol.HTTP));
    assertThat(build(sticky, slice("s1", List.of(new SliceInfo.SlicePort("http", 8080)), terminating)).get(0).health())
        .isEqualTo(HealthStatus.DRAINING);
    assertThat(build(service(), slice("s1", List.of(new SliceInfo.SlicePort("http", 8080)), terminating)).get(0)
        .health()).isEqualTo(HealthStatus.TERMINATING);
  }
}
