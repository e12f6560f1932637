package io.meshpilot.xds;

import static io.meshpilot.xds.TrafficFixture.destinationRule;
import static io.meshpilot.xds.cluster.MeshFixture.pod;
import static io.meshpilot.xds.cluster.MeshFixture.port;
import static io.meshpilot.xds.cluster.MeshFixture.service;
import static io.meshpilot.xds.cluster.MeshFixture.sidecarIn;
import static io.meshpilot.xds.cluster.MeshFixture.slice;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.meshpilot.xds.cache.XdsCache;
import io.meshpilot.xds.cluster.MeshFixture;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.server.ResourcePart;
import io.meshpilot.xds.server.XdsType;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Endpoint responses stay shared across localities unless a locality policy shapes them, and
 * proxies of one locality always share them: each assignment is built, hashed and encoded once.
 */
class LocalityEndpointSharingTest {
  private static final String REVIEWS = "outbound|9080||reviews.default.svc.cluster.local";
  private static final String RATINGS = "outbound|9080||ratings.default.svc.cluster.local";
  private final MeshFixture mesh = new MeshFixture();
  private final XdsCache cache = new XdsCache(XdsCache.DEFAULT_SIZE);
  private final Proxy east = sidecarIn("default", "10.244.9.1", "us-east1/a/");
  private final Proxy eastToo = sidecarIn("default", "10.244.9.2", "us-east1/a/");
  private final Proxy west = sidecarIn("default", "10.244.9.3", "eu-west1/a/");

  LocalityEndpointSharingTest() {
    mesh.with(service("default", "reviews", "10.96.0.12", port("http", 9080)),
        service("default", "ratings", "10.96.0.13", port("http", 9080)),
        pod("default", "reviews-1", "10.244.0.1", "reviews", Map.of("topology.istio.io/locality", "us-east1.a")),
        pod("default", "reviews-2", "10.244.0.2", "reviews", Map.of("topology.istio.io/locality", "eu-west1.a")),
        pod("default", "ratings-1", "10.244.0.3", "ratings", Map.of("topology.istio.io/locality", "us-east1.a")),
        pod("default", "ratings-2", "10.244.0.4", "ratings", Map.of("topology.istio.io/locality", "eu-west1.a")),
        slice("default", "reviews", "http", 9080, Map.of("10.244.0.1", "reviews-1", "10.244.0.2", "reviews-2")),
        slice("default", "ratings", "http", 9080, Map.of("10.244.0.3", "ratings-1", "10.244.0.4", "ratings-2")));
  }

  private void outlierDetectionOn(String host) {
    mesh.withRules(destinationRule("default", host, "host: " + host + "\n"
        + "trafficPolicy:\n  outlierDetection: {consecutive5xxErrors: 1}\n"));
  }

  private static ResourcePart part(XdsResources resources, Proxy proxy, String cluster) {
    return resources.generate(proxy, XdsType.ENDPOINT, Set.of(cluster)).parts().getFirst();
  }

  private static Any bytes(ResourcePart part) {
    return part.resources().getFirst().any();
  }

  @Test
  void proxiesOfOneLocalityShareTheShapedAssignment() {
    outlierDetectionOn("reviews");
    XdsResources resources = new XdsResources(mesh.push(cache));

    ResourcePart forEast = part(resources, east, REVIEWS);

    assertThat(part(resources, eastToo, REVIEWS)).isSameAs(forEast);
    assertThat(bytes(part(resources, eastToo, REVIEWS))).isSameAs(bytes(forEast));
    assertThat(bytes(part(resources, west, REVIEWS))).isNotEqualTo(bytes(forEast));
  }

  @Test
  void withoutALocalityPolicyEveryLocalitySharesOnePart() {
    XdsResources resources = new XdsResources(mesh.push(cache));

    assertThat(part(resources, west, REVIEWS)).isSameAs(part(resources, east, REVIEWS));
  }

  @Test
  void aPolicyOnAnotherServiceKeepsThisServicesAssignmentEncodedOnce() {
    outlierDetectionOn("ratings");
    XdsResources resources = new XdsResources(mesh.push(cache));

    // the parts differ by locality (some cluster in the push may depend on it), the assignment does not
    assertThat(bytes(part(resources, west, REVIEWS))).isSameAs(bytes(part(resources, east, REVIEWS)));
    assertThat(bytes(part(resources, west, RATINGS))).isNotEqualTo(bytes(part(resources, east, RATINGS)));
  }
}
