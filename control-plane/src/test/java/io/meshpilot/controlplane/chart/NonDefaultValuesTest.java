package io.meshpilot.controlplane.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A production-like install: TLS with client verification, Endpoints, autoscaling, the CRD, a debug token file. */
class NonDefaultValuesTest {
  static final String VALUES = """
      replicas: 3
      endpointsApi: endpoints
      watchNamespaces: [bookinfo, shop]
      meshConfig:
        outboundTrafficPolicy: {mode: REGISTRY_ONLY}
      tls:
        secretName: meshpilot-tls
        clientCA: true
      debug:
        tokenSecret: {name: meshpilot-debug-tokens, key: tokens}
        tokenReview: true
      autoscaling:
        enabled: true
        minReplicas: 3
        maxReplicas: 6
        targetCPUUtilizationPercentage: 70
      crds:
        serviceEntry: {enabled: true}
      pilot:
        pushThrottle: 20
      jvm:
        maxRAMPercentage: 60
        gc: ZGC
        extraOptions: -XX:+AlwaysPreTouch
      """;

  private static RenderedChart chart;
  private static RenderedPod pod;
  private static Container container;

  @BeforeAll
  static void render() {
    chart = ChartRenderer.render(VALUES, Map.of());
    pod = RenderedPod.of(chart);
    container = pod.container();
  }

  @Test
  void rendersTheAutoscalerAndTheServiceEntryCrdToo() {
    assertThat(chart.kinds()).containsExactly(
        "apiextensions.k8s.io/v1/CustomResourceDefinition",
        "apps/v1/Deployment",
        "autoscaling/v2/HorizontalPodAutoscaler",
        "policy/v1/PodDisruptionBudget",
        "rbac.authorization.k8s.io/v1/ClusterRole",
        "rbac.authorization.k8s.io/v1/ClusterRoleBinding",
        "v1/ConfigMap",
        "v1/Service",
        "v1/ServiceAccount");
  }

  @Test
  void tlsSecretIsMountedAsADirectoryAndPassedToTheServer() {
    VolumeMount tls = pod.mount("/etc/meshpilot/tls");
    Volume volume = pod.volumeAt("/etc/meshpilot/tls");

    assertThat(tls.getReadOnly()).isTrue();
    // a subPath mount would never see cert-manager's renewals
    assertThat(tls.getSubPath()).isNull();
    assertThat(volume.getSecret().getSecretName()).isEqualTo("meshpilot-tls");
    assertThat(container.getArgs()).contains(
        "--tls-port=15012",
        "--tls-cert-file=/etc/meshpilot/tls/tls.crt",
        "--tls-key-file=/etc/meshpilot/tls/tls.key",
        "--tls-client-ca-file=/etc/meshpilot/tls/ca.crt");
  }

  @Test
  void tlsPortIsExposedOnTheContainerAndTheService() {
    assertThat(container.getPorts()).extracting(p -> p.getName() + "=" + p.getContainerPort())
        .containsExactly("grpc-xds=15010", "https-xds=15012", "http-monitoring=15014");
    assertThat(chart.one(Service.class).getSpec().getPorts()).extracting(ServicePort::getName, ServicePort::getPort)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("grpc-xds", 15010),
            org.assertj.core.groups.Tuple.tuple("https-xds", 15012),
            org.assertj.core.groups.Tuple.tuple("http-monitoring", 15014));
  }

  @Test
  void separateClientCaSecretIsMountedApartFromTheServerCertificate() {
    RenderedChart withCaBundle = ChartRenderer.render(Map.of(
        "tls.secretName", "meshpilot-tls", "tls.clientCASecret", "mesh-client-ca"));
    RenderedPod server = RenderedPod.of(withCaBundle);

    assertThat(server.container().getArgs()).contains("--tls-client-ca-file=/etc/meshpilot/client-ca/ca.crt")
        .doesNotContain("--tls-client-ca-file=/etc/meshpilot/tls/ca.crt");
    assertThat(server.volumeAt("/etc/meshpilot/client-ca").getSecret().getSecretName()).isEqualTo("mesh-client-ca");
  }

  @Test
  void debugTokenFileComesFromTheSecret() {
    VolumeMount tokens = pod.mount("/etc/meshpilot/debug-tokens");

    assertThat(tokens.getReadOnly()).isTrue();
    assertThat(pod.volumeAt("/etc/meshpilot/debug-tokens").getSecret().getSecretName()).isEqualTo("meshpilot-debug-tokens");
    assertThat(container.getArgs()).contains("--debug-token-file=/etc/meshpilot/debug-tokens/tokens");
  }

  @Test
  void watchedNamespacesAndEndpointsApiArePassedToTheServer() {
    assertThat(container.getArgs()).contains("--watch-namespaces=bookinfo,shop", "--endpoints-api=endpoints");
  }

  @Test
  void clusterRoleReadsEndpointsInsteadOfEndpointSlices() {
    List<PolicyRule> rules = chart.one(ClusterRole.class).getRules().stream()
        .filter(r -> r.getNonResourceURLs().isEmpty()).toList();

    assertThat(DefaultValuesTest.grantedResources(rules)).containsExactlyInAnyOrder(
        "core/services", "core/endpoints", "core/pods", "core/nodes", "networking.istio.io/serviceentries",
        "networking.istio.io/destinationrules", "networking.istio.io/virtualservices", "networking.istio.io/sidecars",
        "networking.istio.io/workloadentries");
    assertThat(rules).allSatisfy(r -> assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch"));
  }

  @Test
  void tokenFileReplacesTokenReviewSoItsPermissionIsNotGranted() {
    // debug.tokenReview is true in VALUES, but the server ignores TokenReview when it has a token file
    assertThat(DefaultValuesTest.grantedResources(chart.one(ClusterRole.class).getRules()))
        .doesNotContain("authentication.k8s.io/tokenreviews");
  }

  @Test
  void tokenReviewGrantsOnlyCreatingTokenReviews() {
    var rendered = ChartRenderer.render(Map.of("debug.tokenReview", true));
    assertThat(rendered.one(io.fabric8.kubernetes.api.model.apps.Deployment.class).getSpec().getTemplate().getSpec()
        .getContainers().get(0).getEnv()).noneMatch(e -> e.getName().equals("XDS_AUTH"));
    List<PolicyRule> rules = rendered.one(ClusterRole.class).getRules();

    assertThat(rules).filteredOn(r -> r.getApiGroups().contains("authentication.k8s.io")).singleElement()
        .satisfies(r -> {
          assertThat(r.getResources()).containsExactly("tokenreviews");
          assertThat(r.getVerbs()).containsExactly("create");
        });
    assertThat(rules).filteredOn(r -> !r.getApiGroups().contains("authentication.k8s.io"))
        .allSatisfy(r -> assertThat(r.getVerbs()).isSubsetOf("get", "list", "watch"));
  }

  @Test
  void autoscalerOwnsTheReplicaCountAndScalesOnCpu() {
    HorizontalPodAutoscaler hpa = chart.one(HorizontalPodAutoscaler.class);

    assertThat(chart.one(Deployment.class).getSpec().getReplicas()).isNull();
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("meshpilot");
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(3);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(6);
    assertThat(hpa.getSpec().getMetrics()).singleElement().satisfies((MetricSpec m) -> {
      assertThat(m.getResource().getName()).isEqualTo("cpu");
      assertThat(m.getResource().getTarget().getType()).isEqualTo("Utilization");
      assertThat(m.getResource().getTarget().getAverageUtilization()).isEqualTo(70);
    });
    assertThat(chart.one(PodDisruptionBudget.class).getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
  }

  @Test
  void replicasAreUsedWithoutTheAutoscaler() {
    RenderedChart fixed = ChartRenderer.render(VALUES, Map.of("autoscaling.enabled", false));

    assertThat(fixed.one(Deployment.class).getSpec().getReplicas()).isEqualTo(3);
    assertThat(fixed.all(HorizontalPodAutoscaler.class)).isEmpty();
  }

  @Test
  void serviceEntryCrdServesIstiosThreeVersionsStoringV1() {
    CustomResourceDefinition crd = chart.one(CustomResourceDefinition.class);

    assertThat(crd.getMetadata().getName()).isEqualTo("serviceentries.networking.istio.io");
    assertThat(crd.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
    assertThat(crd.getSpec().getGroup()).isEqualTo("networking.istio.io");
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(crd.getSpec().getNames().getKind()).isEqualTo("ServiceEntry");
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("se");
    assertThat(crd.getSpec().getVersions())
        .extracting(CustomResourceDefinitionVersion::getName, CustomResourceDefinitionVersion::getServed,
            CustomResourceDefinitionVersion::getStorage)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("v1", true, true),
            org.assertj.core.groups.Tuple.tuple("v1beta1", true, false),
            org.assertj.core.groups.Tuple.tuple("v1alpha3", true, false));
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      JSONSchemaProps spec = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
      assertThat(spec.getType()).isEqualTo("object");
      assertThat(spec.getXKubernetesPreserveUnknownFields()).isTrue();
      assertThat(spec.getRequired()).containsExactly("hosts");
      assertThat(spec.getProperties().get("resolution").getEnum()).hasSize(5);
    }
  }

  @Test
  void pushThrottleAndJvmOptionsReachTheEnvironment() {
    assertThat(pod.env()).contains(
        entry("PILOT_PUSH_THROTTLE", "20"),
        entry("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError -XX:+UseZGC -XX:+AlwaysPreTouch"));
  }

  @Test
  void meshConfigValuesReachTheConfigMap() {
    assertThat(chart.one(ConfigMap.class).getData().get("mesh.yaml"))
        .contains("mode: REGISTRY_ONLY");
  }



}
