package io.meshpilot.xds.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.ServiceRegistry;
import io.meshpilot.registry.networking.DestinationRule;
import io.meshpilot.registry.networking.IstioConfig;
import io.meshpilot.registry.networking.TrafficConfigs;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.TrafficFixture;
import io.meshpilot.xds.cache.XdsCache;
import io.meshpilot.xds.OutboundTrafficPolicy;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.view.PushContext;
import java.util.List;
import java.util.Map;

/**
 * A real {@link MeshRegistry} fed with fabric8 objects, and the proxies and push contexts the
 * generator tests need. Shared by the cluster, endpoint, listener and route tests.
 */
public final class MeshFixture {
  private final MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
  private volatile TrafficConfigs traffic = TrafficConfigs.EMPTY;
  private final ServiceRegistry served = TrafficFixture.withTraffic(registry, () -> traffic);

  /** The registry the fixture feeds (to wrap it, e.g. with traffic configs). */
  public MeshRegistry registry() {
    return registry;
  }

  /** Adds (or replaces) objects in the registry. */
  public MeshFixture with(HasMetadata... objects) {
    for (HasMetadata object : objects) {
      registry.upsert("test", object);
    }
    return this;
  }

  public MeshFixture without(HasMetadata object) {
    registry.delete("test", object);
    return this;
  }

  /** Serves these DestinationRules from now on (replacing earlier ones). */
  @SafeVarargs
  public final MeshFixture withRules(IstioConfig<DestinationRule>... rules) {
    traffic = TrafficFixture.rules(List.of(rules));
    return this;
  }

  public PushContext push() {
    return push(OutboundTrafficPolicy.ALLOW_ANY);
  }

  public PushContext push(OutboundTrafficPolicy policy) {
    return PushContext.create(served, MeshSettings.defaults().withOutboundTrafficPolicy(policy), "v1");
  }

  /** A push with these mesh settings. */
  public PushContext push(MeshSettings settings) {
    return PushContext.create(served, settings, "v1");
  }

  /** A push that reuses what {@code cache} holds from earlier pushes. */
  public PushContext push(XdsCache cache) {
    return PushContext.create(served, MeshSettings.defaults(), "v1", cache);
  }

  // ---- proxies ------------------------------------------------------------------------------

  /** A REDIRECT-mode sidecar in {@code ns} without workload labels. */
  public static Proxy sidecar(String ns, String ip) {
    return sidecar(ns, ip, Map.of(), InterceptionMode.REDIRECT);
  }

  /** A REDIRECT-mode sidecar in {@code ns} running in this locality ({@code region/zone/subzone}). */
  public static Proxy sidecarIn(String ns, String ip, String locality) {
    String dnsDomain = ns + ".svc.cluster.local";
    String id = "client." + ns;
    return new Proxy("sidecar", ip, id, dnsDomain, ns, Map.of(), List.of(ip), "Kubernetes", "1.31.0",
        InterceptionMode.REDIRECT, "", "sidecar~" + ip + "~" + id + "~" + dnsDomain, false, locality);
  }

  public static Proxy sidecar(String ns, String ip, Map<String, String> labels, InterceptionMode mode) {
    String dnsDomain = ns + ".svc.cluster.local";
    String id = "client." + ns;
    return new Proxy("sidecar", ip, id, dnsDomain, ns, labels, List.of(ip), "Kubernetes", "1.30.0", mode, "",
        "sidecar~" + ip + "~" + id + "~" + dnsDomain);
  }

  // ---- Kubernetes objects -------------------------------------------------------------------

  /** A ClusterIP Service ({@code "None"} for headless) selecting {@code app=<name>}. */
  public static Service service(String ns, String name, String clusterIp, ServicePort... ports) {
    return new ServiceBuilder().withNewMetadata().withName(name).withNamespace(ns)
        .withCreationTimestamp("2024-01-01T00:00:00Z").withResourceVersion("1").endMetadata()
        .withNewSpec().withClusterIP(clusterIp).withClusterIPs(clusterIp).withSelector(Map.of("app", name))
        .withPorts(ports).endSpec().build();
  }

  public static Service externalName(String ns, String name, String target, ServicePort... ports) {
    return new ServiceBuilder().withNewMetadata().withName(name).withNamespace(ns)
        .withCreationTimestamp("2024-01-01T00:00:00Z").withResourceVersion("1").endMetadata()
        .withNewSpec().withType("ExternalName").withExternalName(target).withPorts(ports).endSpec().build();
  }

  /** A port whose protocol comes from its name ({@code http}, {@code grpc}, {@code tcp}, or "" for sniffed). */
  public static ServicePort port(String name, int number) {
    return port(name, number, number);
  }

  public static ServicePort port(String name, int number, int targetPort) {
    ServicePortBuilder port = new ServicePortBuilder().withPort(number).withTargetPort(new IntOrString(targetPort))
        .withProtocol("TCP");
    if (!name.isEmpty()) {
      port.withName(name);
    }
    return port.build();
  }

  public static ServicePort udpPort(String name, int number) {
    return new ServicePortBuilder().withName(name).withPort(number).withProtocol("UDP").build();
  }

  /** A ready pod with {@code app=<app>}, sidecar-injected ({@code security.istio.io/tlsMode=istio}). */
  public static Pod pod(String ns, String name, String ip, String app, Map<String, String> extraLabels) {
    Map<String, String> labels = new java.util.HashMap<>(extraLabels);
    labels.put("app", app);
    labels.put("security.istio.io/tlsMode", "istio");
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).withLabels(labels)
        .addNewOwnerReference().withKind("ReplicaSet").withName(name + "-rs").withApiVersion("apps/v1")
        .withUid("uid-" + name).withController(true).endOwnerReference()
        .endMetadata()
        .withNewSpec().withServiceAccountName("sa-" + app).endSpec()
        .withNewStatus().withPodIP(ip).addNewPodIP(ip)
        .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build();
  }

  public static Pod pod(String ns, String name, String ip, String app) {
    return pod(ns, name, ip, app, Map.of());
  }

  /** A slice of one port; {@code readyByIp} maps each address to (pod name, ready). */
  public static EndpointSlice slice(String ns, String service, String portName, int port,
      Map<String, String> podsByIp, boolean ready) {
    EndpointSliceBuilder builder = new EndpointSliceBuilder().withNewMetadata()
        .withName(service + "-" + portName + "-" + ready).withNamespace(ns)
        .withLabels(Map.of("kubernetes.io/service-name", service)).endMetadata()
        .withAddressType("IPv4").addNewPort().withName(portName.isEmpty() ? null : portName).withPort(port).endPort();
    podsByIp.forEach((ip, pod) -> builder.addToEndpoints(new EndpointBuilder().withAddresses(ip)
        .withNewConditions().withReady(ready).withServing(ready).withTerminating(false).endConditions()
        .withNewTargetRef().withKind("Pod").withName(pod).withNamespace(ns).endTargetRef().build()));
    return builder.build();
  }

  public static EndpointSlice slice(String ns, String service, String portName, int port, Map<String, String> podsByIp) {
    return slice(ns, service, portName, port, podsByIp, true);
  }

  /** A ServiceEntry with the given spec (hosts, ports, resolution, endpoints, ...). */
  public static GenericKubernetesResource serviceEntry(String ns, String name, Map<String, Object> spec) {
    return new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1").withKind("ServiceEntry")
        .withNewMetadata().withName(name).withNamespace(ns).withCreationTimestamp("2024-01-02T00:00:00Z").endMetadata()
        .withAdditionalProperties(Map.of("spec", spec)).build();
  }
}
