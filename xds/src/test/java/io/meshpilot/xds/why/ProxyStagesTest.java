package io.meshpilot.xds.why;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.server.ProxyHoldings;
import io.meshpilot.xds.server.ProxyHoldings.TypeHolding;
import io.meshpilot.xds.server.ProxySyncState;
import io.meshpilot.xds.server.ResourceSet;
import io.meshpilot.xds.server.TypeSyncState;
import io.meshpilot.xds.server.XdsType;
import io.meshpilot.xds.why.WhyReport.ResourceState;
import io.meshpilot.xds.why.WhyReport.ResourceStatus;
import io.meshpilot.xds.why.WhyReport.TypeStage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class ProxyStagesTest {
  private static final String HOST = "reviews.default.svc.cluster.local";
  private static final String CLUSTER = "outbound|9080||" + HOST;
  private static final Instant SENT = Instant.parse("2026-12-01T10:00:00Z");
  private static final Predicate<String> OF_HOST = name -> HostnameResources.isClusterOf(name, HOST);
  private static final ResourceSet V1 = clusters(1);
  private static final ResourceSet V2 = clusters(2);
  private static final Proxy PROXY = new Proxy("sidecar", "10.1.0.9", "productpage-v1.default",
      "default.svc.cluster.local", "default", Map.of(), List.of("10.1.0.9"), "Kubernetes", "1.31.0",
      InterceptionMode.REDIRECT, "", "sidecar~10.1.0.9~productpage-v1.default~default.svc.cluster.local");

  private static ResourceSet clusters(int timeoutSeconds) {
    return ResourceSet.ofMessages(List.of(Cluster.newBuilder().setName(CLUSTER)
        .setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(timeoutSeconds)).build()));
  }

  private static TypeSyncState sync(XdsType type, Optional<String> error, Set<String> watched) {
    return new TypeSyncState(type, "n2", "n1", "v2", "v1", Optional.of(SENT), error,
        error.map(e -> SENT.plusSeconds(1)), watched);
  }

  private static ProxyHoldings holdings(XdsType type, TypeSyncState sync, TypeHolding holding, boolean ready) {
    return new ProxyHoldings(new ProxySyncState("productpage-v1.default-1", PROXY, "10.1.0.9:40000", SENT,
        Map.of(type, sync)), ready, Optional.of(SENT), Map.of(type, holding));
  }

  private static TypeStage cds(ResourceSet current, TypeHolding holding, Optional<String> error, boolean ready) {
    return ProxyStages.of(XdsType.CLUSTER, current, List.copyOf(current.names()), OF_HOST,
        holdings(XdsType.CLUSTER, sync(XdsType.CLUSTER, error, Set.of()), holding, ready));
  }

  @Test
  void theCurrentVersionAckedIsAcked() {
    TypeStage stage = cds(V2, new TypeHolding(true, false, V2, V2), Optional.empty(), true);

    assertThat(stage.status()).contains(ResourceStatus.ACKED);
    assertThat(stage.resources()).containsExactly(new ResourceState(CLUSTER, ResourceStatus.ACKED, false));
    assertThat(stage.detail()).isEqualTo("ACKed: the proxy has the current version (last ACK nonce n1, version v1)");
  }

  @Test
  void theCurrentVersionSentButNotAnsweredIsSent() {
    TypeStage stage = cds(V2, new TypeHolding(false, false, V2, V1), Optional.empty(), true);

    assertThat(stage.status()).contains(ResourceStatus.SENT);
    assertThat(stage.detail()).isEqualTo("sent as nonce n2 (version v2) at " + SENT + "; not ACKed yet");
  }

  @Test
  void theCurrentVersionSentAndRejectedIsNackedWithEnvoysError() {
    TypeStage stage = cds(V2, new TypeHolding(true, false, V2, V1), Optional.of("Invalid duration"), true);

    assertThat(stage.status()).contains(ResourceStatus.NACKED);
    assertThat(stage.detail()).isEqualTo("NACKed at " + SENT.plusSeconds(1) + " (nonce n2): Invalid duration");
  }

  @Test
  void aVersionSentAfterANackIsSentUntilTheProxyAnswersIt() {
    TypeSyncState nackedEarlier = new TypeSyncState(XdsType.CLUSTER, "n3", "n1", "v3", "v1",
        Optional.of(SENT.plusSeconds(5)), Optional.of("Invalid duration"), Optional.of(SENT.plusSeconds(1)), Set.of());

    TypeStage stage = ProxyStages.of(XdsType.CLUSTER, V2, List.of(CLUSTER), OF_HOST,
        holdings(XdsType.CLUSTER, nackedEarlier, new TypeHolding(false, false, V2, V1), true));

    assertThat(stage.status()).contains(ResourceStatus.SENT);
  }

  @Test
  void aVersionNotSentWaitsForTheAnswerToTheResponseInFlight() {
    TypeStage stage = cds(V2, new TypeHolding(false, true, V1, V1), Optional.empty(), true);

    assertThat(stage.status()).contains(ResourceStatus.NOT_SENT);
    assertThat(stage.detail()).isEqualTo(
        "not yet sent: waiting for the proxy to ACK or NACK nonce n2 first (one response in flight per type)");
  }

  @Test
  void aVersionNotSentWhileTheStreamIsNotReadyIsHeldByFlowControl() {
    TypeStage stage = cds(V2, new TypeHolding(true, true, V1, V1), Optional.empty(), false);

    assertThat(stage.detail()).isEqualTo("not yet sent: held back by flow control (the proxy is not reading its stream)");
  }

  @Test
  void aVersionNoPushMarkedIsWaitingForAPush() {
    TypeStage stage = cds(V2, new TypeHolding(true, false, V1, V1), Optional.empty(), true);

    assertThat(stage.detail()).startsWith("not yet sent: no push has reached this proxy since the change");
  }

  @Test
  void aTypeNeverRequestedIsNotSent() {
    ProxyHoldings none = new ProxyHoldings(new ProxySyncState("c-1", PROXY, "", SENT, Map.of()), true,
        Optional.empty(), Map.of());

    TypeStage stage = ProxyStages.of(XdsType.CLUSTER, V2, List.of(CLUSTER), OF_HOST, none);

    assertThat(stage.status()).contains(ResourceStatus.NOT_SENT);
    assertThat(stage.detail()).isEqualTo("not yet sent: the proxy has not asked for CDS yet");
  }

  @Test
  void endpointsOfAClusterTheProxyDoesNotWatchAreNotSent() {
    ResourceSet eds = ResourceSet.ofMessages(List.of(ClusterLoadAssignment.newBuilder().setClusterName(CLUSTER).build()));
    TypeSyncState sync = sync(XdsType.ENDPOINT, Optional.empty(), Set.of("outbound|9080||other"));

    TypeStage stage = ProxyStages.of(XdsType.ENDPOINT, eds, List.of(CLUSTER), OF_HOST,
        holdings(XdsType.ENDPOINT, sync, new TypeHolding(true, false, ResourceSet.EMPTY, ResourceSet.EMPTY), true));

    assertThat(stage.detail()).isEqualTo("not yet sent: the proxy does not watch " + CLUSTER
        + " (it has not accepted that cluster)");
  }

  @Test
  void aRemovedClusterTheProxyStillHoldsIsListedAsARemoval() {
    TypeStage notSent = cds(ResourceSet.EMPTY, new TypeHolding(false, true, V1, V1), Optional.empty(), true);
    TypeStage sent = cds(ResourceSet.EMPTY, new TypeHolding(false, false, ResourceSet.EMPTY, V1), Optional.empty(), true);

    assertThat(notSent.resources()).containsExactly(new ResourceState(CLUSTER, ResourceStatus.NOT_SENT, true));
    assertThat(sent.resources()).containsExactly(new ResourceState(CLUSTER, ResourceStatus.SENT, true));
  }

  @Test
  void aTypeWithoutResourcesOfTheHostnameHasNoStatus() {
    TypeStage stage = cds(ResourceSet.EMPTY, new TypeHolding(true, false, ResourceSet.EMPTY, ResourceSet.EMPTY),
        Optional.empty(), true);

    assertThat(stage.status()).isEmpty();
    assertThat(stage.detail()).isEqualTo("the hostname yields no CDS for this proxy");
  }
}
