package io.meshpilot.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.RegistryListener;
import io.meshpilot.registry.Rejection;
import io.meshpilot.registry.ServiceRegistry;
import io.meshpilot.xds.conflict.GenerationConflicts;
import io.meshpilot.xds.cache.XdsCache;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.server.EncodedResource;
import io.meshpilot.xds.server.PushRequest;
import io.meshpilot.xds.server.ResourceSet;
import io.meshpilot.xds.server.XdsType;
import io.meshpilot.xds.view.PushContext;
import io.meshpilot.xds.view.SidecarScope;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class XdsResourcesTest {
  private static final String REVIEWS_CLUSTER = "outbound|9080||reviews.default.svc.cluster.local";
  private static final String RATINGS_CLUSTER = "outbound|9080||ratings.default.svc.cluster.local";

  private final MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
  private final XdsCache cache = new XdsCache(XdsCache.DEFAULT_SIZE);
  private final XdsResources resources;
  private int versions;

  XdsResourcesTest() {
    registry.upsert("test", service("reviews", "default", "10.96.0.12", List.of("*")));
    registry.upsert("test", service("ratings", "default", "10.96.0.13", List.of("*")));
    registry.upsert("test", slice("reviews", "default", "10.1.0.1"));
    registry.upsert("test", slice("ratings", "default", "10.1.0.2"));
    resources = new XdsResources(nextPush());
  }

  @Test
  void proxiesOfOneScopeReceiveTheSameEncodedBytes() {
    Proxy a = proxy("a", "default", "10.0.0.1", Map.of("app", "a"));
    Proxy b = proxy("b", "default", "10.0.0.2", Map.of("app", "b"));

    for (XdsType type : XdsType.values()) {
      Set<String> names = type == XdsType.ENDPOINT ? Set.of(REVIEWS_CLUSTER, RATINGS_CLUSTER)
          : type == XdsType.ROUTE ? Set.of("9080") : Set.of();
      ResourceSet forA = resources.generate(a, type, names);
      ResourceSet forB = resources.generate(b, type, names);
      // the shared part is one instance: its bytes were encoded and hashed once
      assertThat(forB.parts().getFirst()).as(type.name()).isSameAs(forA.parts().getFirst());
      assertThat(forB.parts().getFirst().resources().getFirst().any())
          .isSameAs(forA.parts().getFirst().resources().getFirst().any());
    }
  }

  @Test
  void aProxyInAnotherNamespaceHasItsOwnRoutes() {
    Proxy a = proxy("a", "default", "10.0.0.1", Map.of());
    Proxy other = proxy("c", "other", "10.0.0.3", Map.of());

    Message routes = resources.messages(a, XdsType.ROUTE, Set.of("9080")).getFirst();

    assertThat(resources.messages(other, XdsType.ROUTE, Set.of("9080")).getFirst())
        .isNotEqualTo(routes); // other namespace: no short names
  }

  @Test
  void aServiceChangeRegeneratesThatServicesResourcesOnly() {
    Proxy a = proxy("a", "default", "10.0.0.1", Map.of());
    Map<String, Message> clustersBefore = byName(resources.messages(a, XdsType.CLUSTER, Set.of()));
    Message ratingsEndpoints = resources.messages(a, XdsType.ENDPOINT, Set.of(RATINGS_CLUSTER)).getFirst();

    registry.upsert("test", service("reviews", "default", "10.96.0.12", List.of("*"), 9080, 9081));
    resources.advance(nextPush());

    Map<String, Message> clustersAfter = byName(resources.messages(a, XdsType.CLUSTER, Set.of()));
    assertThat(clustersAfter.get(RATINGS_CLUSTER)).isSameAs(clustersBefore.get(RATINGS_CLUSTER));
    assertThat(clustersAfter.get("BlackHoleCluster")).isSameAs(clustersBefore.get("BlackHoleCluster"));
    assertThat(clustersAfter.get(REVIEWS_CLUSTER)).isNotSameAs(clustersBefore.get(REVIEWS_CLUSTER));
    assertThat(clustersAfter).containsKey("outbound|9081||reviews.default.svc.cluster.local");
    assertThat(resources.messages(a, XdsType.ENDPOINT, Set.of(RATINGS_CLUSTER)).getFirst())
        .isSameAs(ratingsEndpoints);
  }

  @Test
  void anEndpointChangeRegeneratesNoClusterOrListener() {
    Proxy a = proxy("a", "default", "10.0.0.1", Map.of());
    ResourceSet clusters = resources.generate(a, XdsType.CLUSTER, Set.of());
    ResourceSet listeners = resources.generate(a, XdsType.LISTENER, Set.of());
    Message reviews = resources.messages(a, XdsType.ENDPOINT, Set.of(REVIEWS_CLUSTER)).getFirst();
    Message ratings = resources.messages(a, XdsType.ENDPOINT, Set.of(RATINGS_CLUSTER)).getFirst();
    long missesBefore = cache.misses();

    registry.upsert("test", slice("reviews", "default", "10.1.0.1", "10.1.0.9"));
    resources.advance(nextPush());

    // unchanged parts keep their instance across the push: nothing was rebuilt or re-encoded
    assertThat(resources.generate(a, XdsType.CLUSTER, Set.of()).parts().getFirst())
        .isSameAs(clusters.parts().getFirst());
    assertThat(resources.generate(a, XdsType.LISTENER, Set.of()).parts().getFirst())
        .isSameAs(listeners.parts().getFirst());
    assertThat(resources.messages(a, XdsType.ENDPOINT, Set.of(RATINGS_CLUSTER)).getFirst()).isSameAs(ratings);
    assertThat(resources.messages(a, XdsType.ENDPOINT, Set.of(REVIEWS_CLUSTER)).getFirst())
        .isNotSameAs(reviews).isNotEqualTo(reviews);
    // one grouping of the changed service's endpoints and its one ClusterLoadAssignment
    assertThat(cache.misses() - missesBefore).isEqualTo(2);
  }

  @Test
  void anEndpointsOnlyPushRebuildsOnlyTheChangedHostnamesAssignments() {
    // no resource cache: whatever is not carried over from the previous push is built anew
    XdsResources uncached = new XdsResources(PushContext.create(registry, MeshSettings.defaults(), "v1"));
    Proxy a = proxy("a", "default", "10.0.0.1", Map.of());
    Set<String> names = Set.of(REVIEWS_CLUSTER, RATINGS_CLUSTER);
    Map<String, EncodedResource> before = encodedByName(uncached.generate(a, XdsType.ENDPOINT, names));
    SidecarScope scope = uncached.current().sidecarScope(a);

    registry.upsert("test", slice("reviews", "default", "10.1.0.1", "10.1.0.9"));
    uncached.advance(uncached.current().withEndpointChanges(Set.of("reviews.default.svc.cluster.local"), "v2"));

    Map<String, EncodedResource> after = encodedByName(uncached.generate(a, XdsType.ENDPOINT, names));
    assertThat(after.get(RATINGS_CLUSTER)).isSameAs(before.get(RATINGS_CLUSTER));
    assertThat(after.get(REVIEWS_CLUSTER).version()).isNotEqualTo(before.get(REVIEWS_CLUSTER).version());
    assertThat(after.get(REVIEWS_CLUSTER).message().toString()).contains("10.1.0.9");
    // what the proxy's clusters and listeners were built from is the previous push's, as istiod keeps it
    assertThat(uncached.current().sidecarScope(a)).isSameAs(scope);
    assertThat(uncached.current().version()).isEqualTo("v2");
  }

  @Test
  void anEndpointsOnlyPushGivesTheVersionsAFullRebuildGives() {
    XdsResources uncached = new XdsResources(PushContext.create(registry, MeshSettings.defaults(), "v1"));
    Proxy a = proxy("a", "default", "10.0.0.1", Map.of());
    Set<String> names = Set.of(REVIEWS_CLUSTER, RATINGS_CLUSTER);
    ResourceSet before = uncached.generate(a, XdsType.ENDPOINT, names);

    registry.upsert("test", slice("reviews", "default", "10.1.0.1", "10.1.0.9"));
    uncached.advance(uncached.current().withEndpointChanges(Set.of("reviews.default.svc.cluster.local"), "v2"));
    ResourceSet derived = uncached.generate(a, XdsType.ENDPOINT, names);
    ResourceSet rebuilt = new XdsResources(PushContext.create(registry, MeshSettings.defaults(), "v3"))
        .generate(a, XdsType.ENDPOINT, names);

    // content-hash versions: a proxy that reconnects to another replica finds them equal
    assertThat(derived.version()).isEqualTo(rebuilt.version()).isNotEqualTo(before.version());
    assertThat(derived.bytes()).isEqualTo(rebuilt.bytes());
    assertThat(derived.resources()).extracting(EncodedResource::name)
        .containsExactlyElementsOf(rebuilt.resources().stream().map(EncodedResource::name).toList());
    assertThat(derived.get(RATINGS_CLUSTER)).isSameAs(before.get(RATINGS_CLUSTER));
  }

  @Test
  void aFullPushAfterEndpointsOnlyOnesSeesEveryChange() {
    Proxy a = proxy("a", "default", "10.0.0.1", Map.of());
    resources.generate(a, XdsType.ENDPOINT, Set.of(REVIEWS_CLUSTER, RATINGS_CLUSTER));
    registry.upsert("test", slice("reviews", "default", "10.1.0.1", "10.1.0.9"));
    resources.advance(resources.current().withEndpointChanges(Set.of("reviews.default.svc.cluster.local"), "v9"));
    resources.generate(a, XdsType.ENDPOINT, Set.of(REVIEWS_CLUSTER, RATINGS_CLUSTER));

    registry.upsert("test", service("reviews", "default", "10.96.0.12", List.of("*"), 9080, 9081));
    registry.upsert("test", slice("ratings", "default", "10.1.0.2", "10.1.0.7"));
    resources.advance(nextPush());

    assertThat(byName(resources.messages(a, XdsType.CLUSTER, Set.of())))
        .containsKey("outbound|9081||reviews.default.svc.cluster.local");
    assertThat(resources.messages(a, XdsType.ENDPOINT, Set.of(RATINGS_CLUSTER)).getFirst().toString())
        .contains("10.1.0.7");
  }

  @Test
  void aChangeReachesOnlyTheProxiesThatCanSeeIt() {
    registry.upsert("test", service("private", "team", "10.96.0.20", List.of(".")));
    resources.advance(nextPush());
    Proxy inTeam = proxy("t", "team", "10.0.0.5", Map.of());
    Proxy elsewhere = proxy("e", "default", "10.0.0.6", Map.of());
    PushRequest change = PushRequest.services(Set.of("private.team.svc.cluster.local"));
    PushRequest endpoints = PushRequest.endpoints(Set.of("private.team.svc.cluster.local"));

    assertThat(resources.affects(change, inTeam)).isTrue();
    assertThat(resources.affects(change, elsewhere)).isFalse();
    assertThat(resources.affects(endpoints, elsewhere)).isFalse();
    assertThat(resources.affects(PushRequest.fullPush(), elsewhere)).isTrue();
    assertThat(resources.affects(PushRequest.services(Set.of("reviews.default.svc.cluster.local")), inTeam))
        .isTrue();
  }

  @Test
  void aDeletedServiceStillReachesTheProxiesThatSawIt() {
    Proxy a = proxy("a", "other", "10.0.0.1", Map.of());
    registry.delete("test", service("ratings", "default", "10.96.0.13", List.of("*")));
    resources.advance(nextPush());

    assertThat(resources.affects(PushRequest.services(Set.of("ratings.default.svc.cluster.local")), a)).isTrue();
  }

  @Test
  void aResourceThatCannotBeGeneratedIsLeftOutAndReportedWhileTheRestIsServed() {
    GenerationConflicts.shared().clear();
    ServiceRegistry failing = new ServiceRegistry() {
      @Override
      public List<io.meshpilot.registry.model.Service> services() {
        return registry.services();
      }

      @Override
      public Map<String, List<io.meshpilot.registry.model.Endpoint>> endpointShards(String hostname, String namespace) {
        if (hostname.startsWith("ratings.")) {
          throw new IllegalStateException("broken shard");
        }
        return registry.endpointShards(hostname, namespace);
      }

      @Override
      public List<Rejection> rejections() {
        return List.of();
      }

      @Override
      public boolean synced() {
        return true;
      }

      @Override
      public List<String> pendingSources() {
        return List.of();
      }

      @Override
      public void addListener(RegistryListener listener) {}
    };
    XdsResources broken = new XdsResources(PushContext.create(failing, MeshSettings.defaults(), "v1"));
    Proxy a = proxy("a", "default", "10.0.0.1", Map.of());

    assertThat(broken.messages(a, XdsType.ENDPOINT, Set.of(REVIEWS_CLUSTER, RATINGS_CLUSTER)))
        .extracting(m -> EncodedResource.of(m).name()).containsExactly(REVIEWS_CLUSTER);
    assertThat(broken.messages(a, XdsType.CLUSTER, Set.of())).extracting(m -> EncodedResource.of(m).name())
        .contains(REVIEWS_CLUSTER, RATINGS_CLUSTER);
    assertThat(GenerationConflicts.shared().rejections()).singleElement().satisfies(rejection -> {
      assertThat(rejection.object().toString()).contains("default/ratings");
      assertThat(rejection.reason()).contains("endpoints " + RATINGS_CLUSTER, "broken shard");
    });
    GenerationConflicts.shared().clear();
  }

  private PushContext nextPush() {
    return PushContext.create(registry, MeshSettings.defaults(), "v" + ++versions, cache);
  }

  private static Map<String, EncodedResource> encodedByName(ResourceSet set) {
    Map<String, EncodedResource> byName = new java.util.HashMap<>();
    set.resources().forEach(resource -> byName.put(resource.name(), resource));
    return byName;
  }

  private static Map<String, Message> byName(List<? extends Message> messages) {
    Map<String, Message> byName = new java.util.HashMap<>();
    for (Message message : messages) {
      byName.put(EncodedResource.of(message).name(), message);
    }
    return byName;
  }

  private static Proxy proxy(String pod, String namespace, String ip, Map<String, String> labels) {
    return new Proxy("sidecar", ip, pod + "." + namespace, namespace + ".svc.cluster.local", namespace, labels,
        List.of(ip), "Kubernetes", "1.30.0", InterceptionMode.REDIRECT, "", "sidecar~" + ip + "~" + pod);
  }

  private static Service service(String name, String namespace, String ip, List<String> exportTo, int... ports) {
    ServiceBuilder builder = new ServiceBuilder().withNewMetadata().withName(name).withNamespace(namespace)
        .addToAnnotations("networking.istio.io/exportTo", String.join(",", exportTo)).endMetadata()
        .withNewSpec().withClusterIP(ip).addToSelector("app", name).endSpec();
    int[] numbers = ports.length == 0 ? new int[] {9080} : ports;
    for (int port : numbers) {
      builder.editSpec().addNewPort().withName("http-" + port).withPort(port).endPort().endSpec();
    }
    return builder.build();
  }

  private static EndpointSlice slice(String service, String namespace, String... ips) {
    EndpointSliceBuilder builder = new EndpointSliceBuilder().withNewMetadata().withName(service + "-abc")
        .withNamespace(namespace).addToLabels("kubernetes.io/service-name", service).endMetadata()
        .withAddressType("IPv4").addNewPort().withName("http-9080").withPort(9080).endPort();
    for (String ip : ips) {
      builder.addNewEndpoint().withAddresses(ip).withNewConditions().withReady(true).endConditions().endEndpoint();
    }
    return builder.build();
  }
}
