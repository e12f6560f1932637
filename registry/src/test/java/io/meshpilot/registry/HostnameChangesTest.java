package io.meshpilot.registry;

import static io.meshpilot.registry.TestObjects.dnsSpec;
import static io.meshpilot.registry.TestObjects.pod;
import static io.meshpilot.registry.TestObjects.service;
import static io.meshpilot.registry.TestObjects.serviceEntry;
import static io.meshpilot.registry.TestObjects.slice;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The registry's last change per hostname, which {@code /debug/why} reports. */
class HostnameChangesTest {
  private static final String REVIEWS = "reviews.default.svc.cluster.local";
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  private final MutableClock clock = new MutableClock(T0);
  private final MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults(), clock);

  @Test
  void serviceAndEndpointChangesAreRecordedWithTheirObjectSourceResourceVersionAndTime() {
    registry.upsert("kubernetes", service("default", "reviews", "10.96.0.1", "2024-01-01T00:00:00Z"));
    registry.upsert("kubernetes", pod("default", "reviews-1", "10.244.0.1", Map.of("app", "reviews")));
    clock.now = T0.plusSeconds(5);
    var endpoints = slice("default", "reviews", "reviews-x", Map.of("10.244.0.1", "reviews-1"));
    endpoints.getMetadata().setResourceVersion("77");
    registry.upsert("kubernetes", endpoints);

    HostnameChanges changes = registry.changes(REVIEWS).orElseThrow();
    assertThat(changes.service()).contains(new ObjectChange(new ObjectKey("Service", "default", "reviews"),
        "kubernetes", "1", ObjectChange.Action.UPSERT, T0));
    assertThat(changes.endpoints()).contains(new ObjectChange(new ObjectKey("EndpointSlice", "default", "reviews-x"),
        "kubernetes", "77", ObjectChange.Action.UPSERT, T0.plusSeconds(5)));
    assertThat(changes.rejection()).isEmpty();
    assertThat(changes.lastChange()).contains(T0.plusSeconds(5));
  }

  @Test
  void aPodChangeThatMovesEndpointsIsTheEndpointsChangeAndAnUnchangedObjectRecordsNothing() {
    registry.upsert("kubernetes", service("default", "reviews", "10.96.0.1", "2024-01-01T00:00:00Z"));
    registry.upsert("kubernetes", slice("default", "reviews", "reviews-x", Map.of("10.244.0.1", "reviews-1")));
    clock.now = T0.plusSeconds(1);
    registry.upsert("kubernetes", pod("default", "reviews-1", "10.244.0.1", Map.of("app", "reviews")));
    clock.now = T0.plusSeconds(2);
    registry.upsert("kubernetes", service("default", "reviews", "10.96.0.1", "2024-01-01T00:00:00Z"));

    HostnameChanges changes = registry.changes(REVIEWS).orElseThrow();
    assertThat(changes.endpoints()).map(ObjectChange::object).contains(new ObjectKey("Pod", "default", "reviews-1"));
    assertThat(changes.service()).map(ObjectChange::at).contains(T0);
  }

  @Test
  void aDeleteIsRecordedAsTheServiceChange() {
    registry.upsert("file:/etc/mesh/reviews.yaml", service("default", "reviews", "10.96.0.1", "2024-01-01T00:00:00Z"));
    clock.now = T0.plusSeconds(3);
    registry.delete("file:/etc/mesh/reviews.yaml", service("default", "reviews", "10.96.0.1", "2024-01-01T00:00:00Z"));

    assertThat(registry.changes(REVIEWS).flatMap(HostnameChanges::service)).contains(new ObjectChange(
        new ObjectKey("Service", "default", "reviews"), "file:/etc/mesh/reviews.yaml", "1", ObjectChange.Action.DELETE,
        T0.plusSeconds(3)));
  }

  @Test
  void aRejectedServiceEntryIsRecordedForTheHostsItNames() {
    registry.upsert("kubernetes", serviceEntry("default", "api", "2024-02-01T00:00:00Z",
        Map.of("hosts", List.of("api.example.com"), "resolution", "STATIC",
            "ports", List.of(Map.of("number", 443, "name", "https", "protocol", "HTTPS")),
            "endpoints", List.of(Map.of("address", "not-an-ip")))));

    assertThat(registry.rejections()).singleElement()
        .extracting(Rejection::object).isEqualTo(new ObjectKey("ServiceEntry", "default", "api"));
    assertThat(registry.changes("api.example.com").flatMap(HostnameChanges::rejection)).map(ObjectChange::object)
        .contains(new ObjectKey("ServiceEntry", "default", "api"));
    assertThat(registry.changes("api.example.com").flatMap(HostnameChanges::service)).isEmpty();
  }

  @Test
  void aValidServiceEntryIsAServiceChangeOfEachHost() {
    registry.upsert("kubernetes", serviceEntry("default", "api", "2024-02-01T00:00:00Z", dnsSpec("api.example.com")));

    assertThat(registry.changes("api.example.com").flatMap(HostnameChanges::service)).map(ObjectChange::object)
        .contains(new ObjectKey("ServiceEntry", "default", "api"));
    assertThat(registry.changes("other.example.com")).isEqualTo(Optional.empty());
  }

  @Test
  void theHistoryKeepsAtMostItsLimitForgettingTheHostnameChangedLongestAgo() {
    HostnameHistory history = new HostnameHistory(2);
    ObjectChange change = new ObjectChange(new ObjectKey("Service", "default", "a"), "test", "", ObjectChange.Action.UPSERT, T0);
    history.services(List.of("a"), change);
    history.services(List.of("b"), change);
    history.endpoints(List.of("a"), change);
    history.services(List.of("c"), change);

    assertThat(history.of("a")).isPresent();
    assertThat(history.of("b")).isEmpty();
    assertThat(history.of("c")).isPresent();
  }

  private static final class MutableClock extends Clock {
    Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
