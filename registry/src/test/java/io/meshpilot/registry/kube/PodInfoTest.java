package io.meshpilot.registry.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodInfoTest {
  private static PodBuilder pod() {
    return new PodBuilder().withNewMetadata().withNamespace("shop").withName("reviews-7d4b9-x2x1z")
        .withLabels(Map.of("app", "reviews", "pod-template-hash", "7d4b9")).endMetadata()
        .withNewSpec().withServiceAccountName("bookinfo-reviews").withNodeName("node-a")
        .addNewContainer().withName("app").addNewPort().withName("http").withContainerPort(9080).endPort()
        .addNewPort().withContainerPort(9999).endPort().endContainer()
        .addNewContainer().withName("sidecar").addNewPort().withName("http").withContainerPort(15000).endPort()
        .addNewPort().withName("metrics").withContainerPort(15090).endPort().endContainer().endSpec()
        .withNewStatus().withPodIP("10.1.0.5").addNewPodIP().withIp("10.1.0.5").endPodIP()
        .addNewPodIP().withIp("fd00::5").endPodIP()
        .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus();
  }

  private static PodBuilder ownedBy(String kind, String name) {
    return pod().editMetadata().withOwnerReferences(new OwnerReferenceBuilder().withKind(kind).withName(name)
        .withController(true).build()).endMetadata();
  }

  @Test
  void keepsTheFactsEndpointsNeed() {
    PodInfo info = PodInfo.from(pod().build());

    assertThat(info.namespace()).isEqualTo("shop");
    assertThat(info.name()).isEqualTo("reviews-7d4b9-x2x1z");
    assertThat(info.ips()).containsExactly("10.1.0.5", "fd00::5");
    assertThat(info.labels()).isEqualTo(Map.of("app", "reviews", "pod-template-hash", "7d4b9"));
    assertThat(info.serviceAccountName()).isEqualTo("bookinfo-reviews");
    assertThat(info.nodeName()).isEqualTo("node-a");
    assertThat(info.namedPorts()).isEqualTo(Map.of("http", 9080, "metrics", 15090));
    assertThat(info.ready()).isTrue();
    assertThat(info.terminating()).isFalse();
  }

  @Test
  void podIpIsUsedWhenPodIpsIsEmpty() {
    PodInfo info = PodInfo.from(pod().editStatus().withPodIPs(List.of()).endStatus().build());

    assertThat(info.ips()).containsExactly("10.1.0.5");
  }

  @Test
  void podWithoutStatusHasNoIpsAndIsNotReady() {
    PodInfo info = PodInfo.from(pod().withStatus(null).build());

    assertThat(info.ips()).isEmpty();
    assertThat(info.ready()).isFalse();
  }

  @Test
  void readyConditionFalseMeansNotReady() {
    PodInfo info = PodInfo.from(pod().editStatus().withConditions().addNewCondition().withType("Ready")
        .withStatus("False").endCondition().endStatus().build());

    assertThat(info.ready()).isFalse();
  }

  @Test
  void deletionTimestampMeansTerminating() {
    PodInfo info = PodInfo.from(pod().editMetadata().withDeletionTimestamp("2024-05-01T10:00:00Z").endMetadata()
        .build());

    assertThat(info.terminating()).isTrue();
  }

  @Test
  void hostnameAndSubdomainAreKept() {
    PodInfo info = PodInfo.from(pod().editSpec().withHostname("db-0").withSubdomain("db").endSpec().build());

    assertThat(info.hostname()).isEqualTo("db-0");
    assertThat(info.subdomain()).isEqualTo("db");
  }

  @Test
  void workloadNameLabelWins() {
    PodInfo info = PodInfo.from(ownedBy("ReplicaSet", "reviews-7d4b9").editMetadata()
        .addToLabels("service.istio.io/workload-name", "reviews-v1").endMetadata().build());

    assertThat(info.workloadName()).isEqualTo("reviews-v1");
  }

  @Test
  void replicaSetOwnerGivesTheDeploymentName() {
    assertThat(PodInfo.from(ownedBy("ReplicaSet", "reviews-7d4b9").build()).workloadName()).isEqualTo("reviews");
  }

  @Test
  void replicaSetWhoseNameDoesNotEndInTheHashIsTheWorkload() {
    assertThat(PodInfo.from(ownedBy("ReplicaSet", "reviews-custom").build()).workloadName())
        .isEqualTo("reviews-custom");
  }

  @Test
  void jobNamedWithATimestampGivesTheCronJobName() {
    assertThat(PodInfo.from(ownedBy("Job", "backup-28598400").build()).workloadName()).isEqualTo("backup");
    assertThat(PodInfo.from(ownedBy("Job", "backup-1234567").build()).workloadName()).isEqualTo("backup-1234567");
    assertThat(PodInfo.from(ownedBy("Job", "backup-12345678901").build()).workloadName())
        .isEqualTo("backup-12345678901");
  }

  @Test
  void otherControllersGiveTheirOwnName() {
    assertThat(PodInfo.from(ownedBy("StatefulSet", "db").build()).workloadName()).isEqualTo("db");
  }

  @Test
  void nonControllerOwnersAreIgnored() {
    PodInfo info = PodInfo.from(pod().editMetadata().withOwnerReferences(new OwnerReferenceBuilder()
        .withKind("ReplicaSet").withName("reviews-7d4b9").withController(false).build()).endMetadata().build());

    assertThat(info.workloadName()).isEqualTo("reviews-7d4b9-x2x1z");
  }

  @Test
  void podWithoutOwnerIsItsOwnWorkload() {
    assertThat(PodInfo.from(pod().build()).workloadName()).isEqualTo("reviews-7d4b9-x2x1z");
  }

  @Test
  void repeatedLabelStringsAreShared() {
    PodInfo a = PodInfo.from(pod().editMetadata().withLabels(Map.of(new String("app"), new String("reviews")))
        .endMetadata().build());
    PodInfo b = PodInfo.from(pod().editMetadata().withLabels(Map.of(new String("app"), new String("reviews")))
        .endMetadata().build());

    assertThat(a.labels().get("app")).isSameAs(b.labels().get("app"));
  }
}
