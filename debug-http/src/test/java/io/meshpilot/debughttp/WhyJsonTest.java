package io.meshpilot.debughttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.registry.HostnameChanges;
import io.meshpilot.registry.ObjectChange;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.Rejection;
import io.meshpilot.xds.push.PushRecord;
import io.meshpilot.xds.server.TypeSyncState;
import io.meshpilot.xds.server.XdsType;
import io.meshpilot.xds.why.WhyReport;
import io.meshpilot.xds.why.WhyReport.ChangeKind;
import io.meshpilot.xds.why.WhyReport.PushStage;
import io.meshpilot.xds.why.WhyReport.Reach;
import io.meshpilot.xds.why.WhyReport.ResourceState;
import io.meshpilot.xds.why.WhyReport.ResourceStatus;
import io.meshpilot.xds.why.WhyReport.TypeStage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code /debug/why}'s shape, golden: users script against it. Run with {@code -Dgolden.update=true}
 * to rewrite {@code why/report.json} after a deliberate change (and say so in the README).
 */
class WhyJsonTest {
  private static final Path GOLDEN = Path.of("src/test/resources/why/report.json");
  private static final String HOST = "reviews.default.svc.cluster.local";
  private static final String CLUSTER = "outbound|9080||" + HOST;
  private static final Instant T = Instant.parse("2026-12-01T10:00:00.5Z");

  @Test
  void everyStageIsWrittenWithIstiodStyleTimesAndOptionalKeysOnlyWhenSet() throws Exception {
    ObjectKey service = new ObjectKey("Service", "default", "reviews");
    ObjectKey slice = new ObjectKey("EndpointSlice", "default", "reviews-x7k2p");
    ObjectKey entry = new ObjectKey("ServiceEntry", "default", "reviews-alias");
    ObjectChange serviceChange = new ObjectChange(service, "kubernetes", "812", ObjectChange.Action.UPSERT, T);
    ObjectChange endpointsChange = new ObjectChange(slice, "kubernetes", "815", ObjectChange.Action.UPSERT,
        T.plusSeconds(20));
    WhyReport report = new WhyReport(HOST, "productpage-v1.default", "productpage-v1.default-3",
        new WhyReport.RegistryStage(WhyReport.RegistryStatus.KNOWN,
            List.of(new WhyReport.SourceObject(service, "Kubernetes", "812", List.of("*"))),
            new HostnameChanges(Optional.of(serviceChange), Optional.of(endpointsChange),
                Optional.of(new ObjectChange(entry, "file:/etc/mesh/alias.yaml", "", ObjectChange.Action.UPSERT, T))),
            List.of(new Rejection(entry, "file:/etc/mesh/alias.yaml", "spec.hosts[0]: \"*\" is not allowed", T))),
        new WhyReport.VisibilityStage(true,
            "exported to namespace default: Service default/reviews exportTo [*]", List.of(CLUSTER),
            List.of("0.0.0.0_9080"), List.of("9080")),
        List.of(
            new PushStage(ChangeKind.SERVICE, serviceChange, Optional.of(new PushRecord("2026-12-01T10:00:00Z/7",
                T.plusMillis(100), true, false, Map.of("service", 1), 4)), Reach.REACHED,
                "push 2026-12-01T10:00:00Z/7 reached the proxy at 2026-12-01T10:00:00.601Z"),
            new PushStage(ChangeKind.ENDPOINTS, endpointsChange, Optional.empty(), Reach.NOT_PUSHED,
                "no push has begun since the change (debounce window still open, or the push is being prepared)")),
        List.of(
            new TypeStage(XdsType.CLUSTER, Optional.of(ResourceStatus.ACKED),
                List.of(new ResourceState(CLUSTER, ResourceStatus.ACKED, false)),
                new TypeSyncState(XdsType.CLUSTER, "7-1f", "7-1f", "a1", "a1", Optional.of(T), Optional.empty(),
                    Optional.empty(), Set.of()),
                "ACKed: the proxy has the current version (last ACK nonce 7-1f, version a1)"),
            new TypeStage(XdsType.ENDPOINT, Optional.of(ResourceStatus.NOT_SENT),
                List.of(new ResourceState(CLUSTER, ResourceStatus.NOT_SENT, false)),
                new TypeSyncState(XdsType.ENDPOINT, "6-1f", "6-1f", "b1", "b1", Optional.of(T), Optional.empty(),
                    Optional.empty(), Set.of(CLUSTER)),
                "not yet sent: no push has reached this proxy since the change (debounce, push queue or push scoping)"),
            new TypeStage(XdsType.LISTENER, Optional.of(ResourceStatus.SENT),
                List.of(new ResourceState("0.0.0.0_9080", ResourceStatus.SENT, false)),
                new TypeSyncState(XdsType.LISTENER, "8-1f", "5-1f", "c2", "c1", Optional.of(T), Optional.empty(),
                    Optional.empty(), Set.of()),
                "sent as nonce 8-1f (version c2) at 2026-12-01T10:00:00.500Z; not ACKed yet"),
            new TypeStage(XdsType.ROUTE, Optional.of(ResourceStatus.NACKED),
                List.of(new ResourceState("9080", ResourceStatus.NACKED, false),
                    new ResourceState("reviews.default.svc.cluster.local:9080", ResourceStatus.SENT, true)),
                new TypeSyncState(XdsType.ROUTE, "9-1f", "4-1f", "d2", "d1", Optional.of(T),
                    Optional.of("route 9080: <bad> domain"), Optional.of(T.plusSeconds(1)), Set.of("9080")),
                "NACKed at 2026-12-01T10:00:01.500Z (nonce 9-1f): route 9080: <bad> domain")));

    String actual = WhyJson.write(report, true);

    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(GOLDEN, actual, StandardCharsets.UTF_8);
    }
    assertThat(actual).isEqualTo(Files.readString(GOLDEN, StandardCharsets.UTF_8));
  }
}
