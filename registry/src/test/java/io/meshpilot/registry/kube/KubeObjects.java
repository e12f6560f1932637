package io.meshpilot.registry.kube;

import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.meshpilot.registry.networking.IstioKind;
import java.util.List;
import java.util.Map;

/** Small, valid Kubernetes objects for source tests. */
final class KubeObjects {
  static final ResourceDefinitionContext SERVICE_ENTRY_V1 = new ResourceDefinitionContext.Builder()
      .withGroup("networking.istio.io").withVersion("v1").withKind("ServiceEntry")
      .withPlural("serviceentries").withNamespaced(true).build();

  private KubeObjects() {}

  static io.fabric8.kubernetes.api.model.Service service(String ns, String name) {
    return new ServiceBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
        .withNewSpec().withClusterIP("10.0.0.1").addNewPort().withName("http").withPort(80).endPort()
        .withSelector(Map.of("app", name)).endSpec().build();
  }

  static io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice slice(String ns, String service, String name) {
    return new EndpointSliceBuilder().withNewMetadata().withNamespace(ns).withName(name)
        .withLabels(Map.of("kubernetes.io/service-name", service)).endMetadata()
        .withAddressType("IPv4").addNewPort().withName("http").withPort(8080).endPort()
        .addNewEndpoint().withAddresses("10.1.0.1").endEndpoint().build();
  }

  static io.fabric8.kubernetes.api.model.Endpoints endpoints(String ns, String name) {
    return new EndpointsBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
        .addNewSubset().addNewAddress().withIp("10.1.0.2").endAddress()
        .addNewPort().withName("http").withPort(8080).endPort().endSubset().build();
  }

  static io.fabric8.kubernetes.api.model.Pod pod(String ns, String name) {
    return new PodBuilder().withNewMetadata().withNamespace(ns).withName(name)
        .withLabels(Map.of("app", name)).endMetadata()
        .withNewSpec().withServiceAccountName("default").addNewContainer().withName("app").withImage("app")
        .endContainer().endSpec().build();
  }

  static io.fabric8.kubernetes.api.model.Node node(String name) {
    return new NodeBuilder().withNewMetadata().withName(name)
        .withLabels(Map.of("topology.kubernetes.io/zone", "z1")).endMetadata().build();
  }

  static GenericKubernetesResource serviceEntry(String ns, String name) {
    return new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1").withKind("ServiceEntry")
        .withNewMetadata().withNamespace(ns).withName(name).endMetadata()
        .addToAdditionalProperties("spec", Map.of("hosts", List.of(name + ".example.com"),
            "ports", List.of(Map.of("number", 443, "name", "https", "protocol", "TLS")),
            "resolution", "DNS"))
        .build();
  }

  static CustomResourceDefinition serviceEntryCrd() {
    return istioCrd(IstioKind.SERVICE_ENTRY, "v1");
  }

  /**
   * The CRD of a networking.istio.io kind served under {@code version}: a real API server requires
   * a structural schema; this one keeps every field, so the tests see what meshpilot's own
   * validation does with any spec.
   */
  static CustomResourceDefinition istioCrd(IstioKind kind, String version) {
    String singular = kind.kind().toLowerCase(java.util.Locale.ROOT);
    return new CustomResourceDefinitionBuilder().withNewMetadata().withName(kind.plural() + "." + IstioKind.GROUP)
        .endMetadata().withNewSpec().withGroup(IstioKind.GROUP).withScope("Namespaced")
        .withNewNames().withKind(kind.kind()).withListKind(kind.kind() + "List").withPlural(kind.plural())
        .withSingular(singular).endNames()
        .addNewVersion().withName(version).withServed(true).withStorage(true)
        .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
        .endOpenAPIV3Schema().endSchema().endVersion()
        .endSpec().build();
  }

  static void installServiceEntryCrd(KubernetesClient client) {
    client.apiextensions().v1().customResourceDefinitions().resource(serviceEntryCrd()).create();
  }

  static void installIstioCrd(KubernetesClient client, IstioKind kind, String version) {
    client.apiextensions().v1().customResourceDefinitions().resource(istioCrd(kind, version)).create();
  }

  /** Where objects of an Istio kind are read and written under {@code version}. */
  static ResourceDefinitionContext istioContext(IstioKind kind, String version) {
    return new ResourceDefinitionContext.Builder().withGroup(IstioKind.GROUP).withVersion(version)
        .withKind(kind.kind()).withPlural(kind.plural()).withNamespaced(true).build();
  }

  static GenericKubernetesResource destinationRule(String ns, String name, String version) {
    return istioObject("DestinationRule", version, ns, name, Map.of("host", name + "." + ns + ".svc.cluster.local",
        "subsets", List.of(Map.of("name", "v1", "labels", Map.of("version", "v1")))));
  }

  static GenericKubernetesResource virtualService(String ns, String name, String version) {
    return istioObject("VirtualService", version, ns, name, Map.of("hosts", List.of(name),
        "http", List.of(Map.of("route", List.of(Map.of("destination", Map.of("host", name, "subset", "v1")))))));
  }

  static GenericKubernetesResource sidecar(String ns, String name, String version) {
    return istioObject("Sidecar", version, ns, name, Map.of("egress", List.of(Map.of("hosts", List.of("./*")))));
  }

  static GenericKubernetesResource istioObject(String kind, String version, String ns, String name,
      Map<String, Object> spec) {
    return new GenericKubernetesResourceBuilder().withApiVersion(IstioKind.GROUP + "/" + version).withKind(kind)
        .withNewMetadata().withNamespace(ns).withName(name).endMetadata()
        .addToAdditionalProperties("spec", spec)
        .build();
  }

  /** Adds or changes a label, which gives the object a new resourceVersion. */
  static <T extends HasMetadata> T relabel(T object, String value) {
    object.getMetadata().setLabels(new java.util.HashMap<>(
        object.getMetadata().getLabels() == null ? Map.of() : object.getMetadata().getLabels()));
    object.getMetadata().getLabels().put("rev", value);
    object.getMetadata().setResourceVersion(null);
    return object;
  }
}
