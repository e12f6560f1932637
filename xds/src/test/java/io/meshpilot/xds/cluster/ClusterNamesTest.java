package io.meshpilot.xds.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClusterNamesTest {
  @Test
  void outboundNamesRoundTrip() {
    String name = ClusterNames.outbound(9080, "reviews.default.svc.cluster.local");

    assertThat(name).isEqualTo("outbound|9080||reviews.default.svc.cluster.local");
    assertThat(ClusterNames.parseOutbound(name))
        .contains(new ClusterNames.Outbound(9080, "", "reviews.default.svc.cluster.local"));
  }

  @Test
  void subsetIsParsedOut() {
    assertThat(ClusterNames.parseOutbound("outbound|80|v1|a.b")).contains(new ClusterNames.Outbound(80, "v1", "a.b"));
  }

  @Test
  void otherNamesAreNotOutbound() {
    assertThat(ClusterNames.parseOutbound(ClusterNames.inbound(9080))).isEmpty();
    assertThat(ClusterNames.parseOutbound("PassthroughCluster")).isEmpty();
    assertThat(ClusterNames.parseOutbound("outbound|x||a.b")).isEmpty();
    assertThat(ClusterNames.parseOutbound("outbound|0||a.b")).isEmpty();
    assertThat(ClusterNames.parseOutbound("outbound|80||")).isEmpty();
  }
}
