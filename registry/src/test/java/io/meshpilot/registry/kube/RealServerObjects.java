package io.meshpilot.registry.kube;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.networking.IstioKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the source tests need on a real API server, which validates what the mock accepts: Services
 * get their clusterIP from the server's range, Pods their status from a patch (no kubelet), the
 * ServiceEntry CRD must be Established before ServiceEntries are served.
 */
final class RealServerObjects {
  private RealServerObjects() {}

  /** {@link KubeObjects#service} without a clusterIP: the server allocates one in 10.96.0.0/16. */
  static Service service(String ns, String name) {
    Service service = KubeObjects.service(ns, name);
    service.getSpec().setClusterIP(null);
    return service;
  }

  /** A pod on a node with the given service account; Running and Ready only after {@link #markRunning}. */
  static Pod pod(String ns, String name, String app, String serviceAccount, String node) {
    return new PodBuilder().withNewMetadata().withNamespace(ns).withName(name)
        .withLabels(Map.of("app", app)).endMetadata()
        .withNewSpec().withServiceAccountName(serviceAccount).withNodeName(node)
        .addNewContainer().withName("app").withImage("app").endContainer().endSpec().build();
  }

  /** Writes what a kubelet would: phase Running, the pod IP, condition Ready. */
  static Pod markRunning(KubernetesClient client, Pod pod, String ip) {
    Pod current = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).get();
    PodStatus status = new PodStatusBuilder().withPhase("Running").withPodIP(ip).addNewPodIP(ip)
        .addNewCondition().withType("Ready").withStatus("True").endCondition().build();
    current.setStatus(status);
    return client.pods().resource(current).updateStatus();
  }

  /**
   * Creates ServiceAccount {@code namespace/name}, grants it {@code namespaceRules} in its namespace
   * (Role) and {@code clusterRules} everywhere (ClusterRole), and returns a token for it from the
   * TokenRequest API.
   */
  static String serviceAccountToken(KubernetesClient admin, String namespace, String name,
      List<PolicyRule> namespaceRules, List<PolicyRule> clusterRules) {
    admin.resource(new ServiceAccountBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
        .build()).create();
    Subject subject = new SubjectBuilder().withKind("ServiceAccount").withNamespace(namespace).withName(name).build();
    String clusterName = namespace + "-" + name;
    admin.resource(new RoleBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
        .withRules(namespaceRules).build()).create();
    admin.resource(new RoleBindingBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "Role", name).withSubjects(subject).build()).create();
    admin.resource(new ClusterRoleBuilder().withNewMetadata().withName(clusterName).endMetadata()
        .withRules(clusterRules).build()).create();
    admin.resource(new ClusterRoleBindingBuilder().withNewMetadata().withName(clusterName).endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", clusterName).withSubjects(subject).build()).create();
    return admin.serviceAccounts().inNamespace(namespace).withName(name)
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
        .getStatus().getToken();
  }

  /** Installs the ServiceEntry CRD if it is not there, and waits until it is Established. */
  static void installServiceEntryCrd(KubernetesClient client) {
    installIstioCrd(client, IstioKind.SERVICE_ENTRY, "v1");
  }

  /** Installs an Istio kind's CRD (served under {@code version}) if it is not there, and waits until it is Established. */
  static void installIstioCrd(KubernetesClient client, IstioKind kind, String version) {
    var crds = client.apiextensions().v1().customResourceDefinitions();
    String name = KubeObjects.istioCrd(kind, version).getMetadata().getName();
    if (crds.withName(name).get() == null) {
      KubeObjects.installIstioCrd(client, kind, version);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> established(crds.withName(name).get()));
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True"));
  }

  /** Every watched object on the server (key → resourceVersion), optionally only in these namespaces. */
  static Map<ObjectKey, String> serverState(KubernetesClient client, boolean serviceEntries) {
    List<HasMetadata> all = new ArrayList<>();
    all.addAll(client.services().inAnyNamespace().list().getItems());
    all.addAll(client.discovery().v1().endpointSlices().inAnyNamespace().list().getItems());
    all.addAll(client.pods().inAnyNamespace().list().getItems());
    all.addAll(client.nodes().list().getItems());
    if (serviceEntries) {
      List<GenericKubernetesResource> entries =
          client.genericKubernetesResources(KubeObjects.SERVICE_ENTRY_V1).inAnyNamespace().list().getItems();
      all.addAll(entries);
    }
    Map<ObjectKey, String> out = new TreeMap<>();
    for (HasMetadata o : all) {
      String kind = o.getKind() == null ? "ServiceEntry" : o.getKind();
      out.put(new ObjectKey(kind, o.getMetadata().getNamespace(), o.getMetadata().getName()),
          o.getMetadata().getResourceVersion());
    }
    return out;
  }
}
