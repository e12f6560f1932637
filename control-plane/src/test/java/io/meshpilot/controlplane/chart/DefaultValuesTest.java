package io.meshpilot.controlplane.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.meshpilot.controlplane.config.MeshConfig;
import io.meshpilot.controlplane.config.MeshConfigLoader;
import io.meshpilot.xds.OutboundTrafficPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `helm install meshpilot charts/meshpilot -n istio-system` creates with no values given. */
class DefaultValuesTest {
  private static RenderedChart chart;
  private static RenderedPod pod;
  private static Container container;

  @BeforeAll
  static void render() {
    chart = ChartRenderer.render();
    pod = RenderedPod.of(chart);
    container = pod.container();
  }

  @Test
  void rendersTheControlPlaneObjectsAndNoOptionalOnes() {
    assertThat(chart.kinds()).containsExactly(
        "apps/v1/Deployment",
        "policy/v1/PodDisruptionBudget",
        "rbac.authorization.k8s.io/v1/ClusterRole",
        "rbac.authorization.k8s.io/v1/ClusterRoleBinding",
        "v1/ConfigMap",
        "v1/Service",
        "v1/ServiceAccount");
  }

  @Test
  void everyObjectCarriesTheStandardLabels() {
    for (HasMetadata object : chart.objects()) {
      assertThat(object.getMetadata().getLabels()).as(object.getKind()).contains(
          entry("app.kubernetes.io/name", "meshpilot"),
          entry("app.kubernetes.io/instance", "meshpilot"),
          entry("app.kubernetes.io/version", "0.1.0"),
          entry("app.kubernetes.io/managed-by", "Helm"),
          entry("helm.sh/chart", "meshpilot-0.1.0"));
    }
  }

  @Test
  void serviceIsClusterIpWithPlaintextXdsAndMonitoringPorts() {
    Service service = chart.one(Service.class);

    assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(service.getSpec().getSelector()).containsOnly(
        entry("app.kubernetes.io/name", "meshpilot"), entry("app.kubernetes.io/instance", "meshpilot"));
    assertThat(service.getSpec().getPorts()).extracting(ServicePort::getName, ServicePort::getPort)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("grpc-xds", 15010),
            org.assertj.core.groups.Tuple.tuple("http-monitoring", 15014));
    assertThat(service.getSpec().getPorts()).allSatisfy(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo(p.getName()));
  }

  @Test
  void containerListensOnTheNamedPortsWithoutTls() {
    assertThat(container.getPorts()).extracting(p -> p.getName() + "=" + p.getContainerPort())
        .containsExactly("grpc-xds=15010", "http-monitoring=15014");
  }

  @Test
  void podsNeverGetASidecarInjected() {
    assertThat(chart.one(Deployment.class).getSpec().getTemplate().getMetadata().getLabels())
        .contains(entry("sidecar.istio.io/inject", "false"));
    assertThat(chart.one(Deployment.class).getSpec().getSelector().getMatchLabels())
        .doesNotContainKey("sidecar.istio.io/inject");
  }

  @Test
  void deploymentRunsTwoReplicasAndReplacesOnePodAtATime() {
    Deployment deployment = chart.one(Deployment.class);

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
    assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal()).isEqualTo(1);
    assertThat(pod.spec().getTerminationGracePeriodSeconds()).isEqualTo(30);
  }

  @Test
  void serverRunsInClusterWithTheMountedMeshConfigAndNoTls() {
    assertThat(container.getImage()).isEqualTo("meshpilot:0.1.0");
    assertThat(container.getArgs()).containsExactly(
        "server",
        "--mesh-config=/etc/meshpilot/mesh/mesh.yaml",
        "--domain-suffix=cluster.local",
        "--cluster-id=Kubernetes",
        "--endpoints-api=endpointslices",
        "--grpc-port=15010",
        "--http-port=15014");
    assertThat(container.getCommand()).isEmpty();
  }

  @Test
  void readinessWaitsForSyncWhileLivenessOnlyAsksTheJvm() {
    assertHttpProbe(container.getReadinessProbe(), "/ready");
    assertHttpProbe(container.getLivenessProbe(), "/version");
    assertHttpProbe(container.getStartupProbe(), "/version");
    assertThat(container.getReadinessProbe().getPeriodSeconds()).isEqualTo(3);
    assertThat(container.getLivenessProbe().getPeriodSeconds()).isEqualTo(10);
    // the JVM gets a minute to start before liveness takes over
    Probe startup = container.getStartupProbe();
    assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold()).isEqualTo(60);
  }

  @Test
  void podRunsAsNonRootWithRuntimeDefaultSeccomp() {
    var security = pod.spec().getSecurityContext();

    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getRunAsUser()).isEqualTo(10001L);
    assertThat(security.getFsGroup()).isEqualTo(10001L);
    assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
  }

  @Test
  void containerHasReadOnlyRootWithoutPrivilegesAndAWritableTmp() {
    var security = container.getSecurityContext();

    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(security.getCapabilities().getAdd()).isEmpty();
    assertThat(pod.mount("/tmp").getReadOnly()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.volumeAt("/tmp").getEmptyDir()).isNotNull();
  }

  @Test
  void apiTokenIsProjectedIntoTheContainerOnlyAndNotOfferedToOtherPods() {
    assertThat(chart.one(ServiceAccount.class).getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.spec().getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.spec().getServiceAccountName()).isEqualTo("meshpilot");

    VolumeMount tokenMount = pod.mount("/var/run/secrets/kubernetes.io/serviceaccount");
    assertThat(tokenMount.getReadOnly()).isTrue();
    var sources = pod.volumeAt("/var/run/secrets/kubernetes.io/serviceaccount").getProjected().getSources();
    assertThat(sources).extracting(VolumeProjection::getServiceAccountToken).filteredOn(Objects::nonNull)
        .singleElement().satisfies(token -> {
          assertThat(token.getPath()).isEqualTo("token");
          assertThat(token.getExpirationSeconds()).isEqualTo(3600L);
        });
    assertThat(sources).extracting(VolumeProjection::getConfigMap).filteredOn(Objects::nonNull)
        .singleElement().satisfies(ca -> assertThat(ca.getName()).isEqualTo("kube-root-ca.crt"));
    assertThat(sources).extracting(VolumeProjection::getDownwardAPI).filteredOn(Objects::nonNull)
        .singleElement().satisfies(ns -> assertThat(ns.getItems().get(0).getPath()).isEqualTo("namespace"));
  }

  @Test
  void clusterRoleOnlyReadsWhatTheInformersWatch() {
    List<PolicyRule> rules = chart.one(ClusterRole.class).getRules();
    List<PolicyRule> resourceRules = rules.stream().filter(r -> r.getNonResourceURLs().isEmpty()).toList();

    assertThat(grantedResources(resourceRules)).containsExactlyInAnyOrder(
        "core/services", "core/pods", "core/nodes",
        "discovery.k8s.io/endpointslices", "networking.istio.io/serviceentries",
        "networking.istio.io/destinationrules", "networking.istio.io/virtualservices", "networking.istio.io/sidecars",
        "networking.istio.io/workloadentries");
    assertThat(resourceRules).allSatisfy(r -> {
      assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
      assertThat(r.getResourceNames()).isEmpty();
    });
    // API discovery of networking.istio.io, to find the served version of each Istio kind
    assertThat(rules).filteredOn(r -> !r.getNonResourceURLs().isEmpty()).singleElement().satisfies(r -> {
      assertThat(r.getNonResourceURLs()).containsExactly("/apis/networking.istio.io/*");
      assertThat(r.getVerbs()).containsExactly("get");
    });
  }

  @Test
  void clusterRoleIsBoundToTheServiceAccount() {
    ClusterRoleBinding binding = chart.one(ClusterRoleBinding.class);

    assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
    assertThat(binding.getRoleRef().getName()).isEqualTo(chart.one(ClusterRole.class).getMetadata().getName());
    assertThat(binding.getSubjects()).extracting(Subject::getKind, Subject::getName, Subject::getNamespace)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("ServiceAccount", "meshpilot", "istio-system"));
  }

  @Test
  void meshConfigMapIsWhatTheServerReads(@TempDir Path dir) throws IOException {
    ConfigMap configMap = chart.one(ConfigMap.class);
    Path file = Files.writeString(dir.resolve("mesh.yaml"), configMap.getData().get("mesh.yaml"));

    MeshConfig mesh = MeshConfigLoader.load(file);

    assertThat(mesh).isEqualTo(new MeshConfig(OutboundTrafficPolicy.ALLOW_ANY, List.of("*"), "istio-system", "cluster.local"));
    assertThat(pod.volumeAt("/etc/meshpilot/mesh").getConfigMap().getName())
        .isEqualTo(configMap.getMetadata().getName());
  }

  @Test
  void podsAreAnnotatedForPrometheusAndRollWhenTheMeshConfigChanges() {
    Map<String, String> annotations = chart.one(Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations();

    assertThat(annotations).contains(
        entry("prometheus.io/scrape", "true"),
        entry("prometheus.io/port", "15014"),
        entry("prometheus.io/path", "/metrics"));
    assertThat(annotations.get("checksum/mesh-config")).matches("[0-9a-f]{64}");
  }

  @Test
  void replicasSpreadSoftlyOverZonesAndNodes() {
    assertThat(pod.spec().getTopologySpreadConstraints())
        .extracting(TopologySpreadConstraint::getTopologyKey)
        .containsExactly("topology.kubernetes.io/zone", "kubernetes.io/hostname");
    assertThat(pod.spec().getTopologySpreadConstraints()).allSatisfy(c -> {
      assertThat(c.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
      assertThat(c.getMaxSkew()).isEqualTo(1);
      assertThat(c.getLabelSelector().getMatchLabels()).isEqualTo(chart.one(Deployment.class).getSpec().getSelector().getMatchLabels());
    });
  }

  @Test
  void anEmptyCollectorLeavesTheChoiceToTheJvm() {
    RenderedPod own = RenderedPod.of(ChartRenderer.render(Map.of("jvm.gc", "", "jvm.extraOptions", "-Xss512k")));
    assertThat(own.env()).contains(entry("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Xss512k"));
  }

  @Test
  void heapIsAShareOfTheContainerMemoryAndPushKnobsAreIstiods() {
    assertThat(pod.env()).contains(
        entry("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:+UseParallelGC"),
        entry("PILOT_DEBOUNCE_AFTER", "100ms"),
        entry("PILOT_DEBOUNCE_MAX", "10s"),
        entry("PILOT_ENABLE_EDS_DEBOUNCE", "true"),
        entry("ENABLE_DEBUG_ON_HTTP", "true"),
        entry("MESHPILOT_LOG_LEVEL", "INFO"),
        // no tokenreviews permission by default, so the server must not try TokenReview
        entry("XDS_AUTH", "false"));
    // unset: the server's own default, which depends on the cores it gets
    assertThat(pod.env()).doesNotContainKey("PILOT_PUSH_THROTTLE");
    assertThat(container.getResources().getRequests()).containsOnlyKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsOnly(entry("memory", new Quantity("1Gi")));
  }

  @Test
  void disruptionBudgetKeepsOneReplicaServing() {
    PodDisruptionBudget budget = chart.one(PodDisruptionBudget.class);

    assertThat(budget.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
    assertThat(budget.getSpec().getSelector().getMatchLabels())
        .isEqualTo(chart.one(Deployment.class).getSpec().getSelector().getMatchLabels());
  }

  @Test
  void singleReplicaGetsNoDisruptionBudget() {
    assertThat(ChartRenderer.render(Map.of("replicas", 1)).all(PodDisruptionBudget.class)).isEmpty();
  }

  static Set<String> grantedResources(List<PolicyRule> rules) {
    return rules.stream()
        .flatMap(r -> r.getApiGroups().stream().flatMap(g -> r.getResources().stream()
            .map(res -> (g.isEmpty() ? "core" : g) + "/" + res)))
        .collect(Collectors.toSet());
  }

  private static void assertHttpProbe(Probe probe, String path) {
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http-monitoring");
  }



}
