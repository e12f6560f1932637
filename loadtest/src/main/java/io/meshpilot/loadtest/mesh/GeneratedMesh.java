package io.meshpilot.loadtest.mesh;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A generated mesh as Kubernetes objects: per {@link MeshSpec}, Services {@code svc-NNNN} dealt over
 * namespaces {@code lt-NN}, each with one EndpointSlice of ready addresses. Pure: the same spec gives
 * the same objects, so the file and the API-server stores write the same mesh.
 *
 * <p>Endpoints carry no {@code targetRef}: both istiod and meshpilot skip an address whose target Pod
 * is unknown, and the mesh has no Pods, while an address without one is served as it is.
 */
public final class GeneratedMesh {
  /** The port every generated Service exposes (and its endpoints listen on). */
  public static final int PORT = 8080;
  static final String PORT_NAME = "http";
  static final String DOMAIN_SUFFIX = "svc.cluster.local";
  // Not the endpointslice controller's own value: a real controller-manager would delete the slice.
  static final String MANAGED_BY = "loadtest.meshpilot.io";
  /** The label on every generated object, so that a store can find what an earlier run left. */
  public static final String OWNER_LABEL = "app.kubernetes.io/managed-by";
  public static final String OWNER = "meshpilot-loadtest";
  private static final String CREATED = "2026-11-01T09:00:00Z";

  private final MeshSpec spec;

  public GeneratedMesh(MeshSpec spec) {
    this.spec = spec;
  }

  public MeshSpec spec() {
    return spec;
  }

  /** The namespaces the services live in, {@code lt-00} onwards. */
  public List<String> namespaces() {
    return IntStream.range(0, spec.namespaces()).mapToObj(GeneratedMesh::namespace).toList();
  }

  /** The namespace of the {@code index}-th namespace slot. */
  public static String namespace(int index) {
    return String.format("lt-%02d", index);
  }

  /** Namespace objects, for an API server (the file registry does not need them). */
  public List<Namespace> namespaceObjects() {
    return namespaces().stream()
        .map(ns -> new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .toList();
  }

  /** The {@code index}-th service's reference (name and namespace). */
  public ServiceRef service(int index) {
    return new ServiceRef(String.format("svc-%04d", index), namespace(index % spec.namespaces()));
  }

  /** Every service's Service and EndpointSlice, in index order. */
  public List<ServiceObjects> services() {
    List<ServiceObjects> out = new ArrayList<>(spec.services());
    for (int i = 0; i < spec.services(); i++) {
      out.add(serviceObjects(i, addresses(i)));
    }
    return out;
  }

  /** Service {@code index} with one more ready address ({@link MeshAddresses#added}). */
  public ServiceObjects withAddedEndpoint(int index, String address) {
    List<String> addresses = new ArrayList<>(addresses(index));
    addresses.add(address);
    return serviceObjects(index, addresses);
  }

  /** A service beyond the spec ({@code index >= services}), with the usual number of endpoints. */
  public ServiceObjects extraService(int index) {
    if (index < spec.services()) {
      throw new IllegalArgumentException("service " + index + " is already part of the mesh");
    }
    return serviceObjects(index, addresses(index));
  }

  private List<String> addresses(int index) {
    return IntStream.range(0, spec.endpointsPerService())
        .mapToObj(e -> MeshAddresses.endpoint(index, e, spec.endpointsPerService()))
        .toList();
  }

  private ServiceObjects serviceObjects(int index, List<String> addresses) {
    ServiceRef ref = service(index);
    String vip = MeshAddresses.serviceVip(index);
    Service service = new ServiceBuilder()
        .withNewMetadata().withName(ref.name()).withNamespace(ref.namespace()).withCreationTimestamp(CREATED)
        .withLabels(Map.of("app", ref.name(), OWNER_LABEL, OWNER)).endMetadata()
        .withNewSpec().withType("ClusterIP").withClusterIP(vip).withClusterIPs(vip)
        .withSelector(Map.of("app", ref.name()))
        .addNewPort().withName(PORT_NAME).withPort(PORT).withProtocol("TCP").withTargetPort(new IntOrString(PORT))
        .endPort()
        .endSpec().build();
    EndpointSliceBuilder slice = new EndpointSliceBuilder()
        .withNewMetadata().withName(ref.name() + "-lt").withNamespace(ref.namespace()).withCreationTimestamp(CREATED)
        .withLabels(Map.of("kubernetes.io/service-name", ref.name(),
            "endpointslice.kubernetes.io/managed-by", MANAGED_BY, OWNER_LABEL, OWNER))
        .endMetadata()
        .withAddressType("IPv4")
        .addNewPort().withName(PORT_NAME).withPort(PORT).withProtocol("TCP").endPort();
    for (String address : addresses) {
      slice.addToEndpoints(new EndpointBuilder().withAddresses(address)
          .withNewConditions().withReady(true).withServing(true).withTerminating(false).endConditions()
          .build());
    }
    return new ServiceObjects(ref, service, slice.build());
  }

  /** A generated service's name and namespace. */
  public record ServiceRef(String name, String namespace) {
    /** Its host name, {@code <name>.<namespace>.svc.cluster.local}. */
    public String host() {
      return name + "." + namespace + "." + DOMAIN_SUFFIX;
    }

    /** The outbound cluster istiod names for its port: {@code outbound|8080||<host>}. */
    public String outboundCluster() {
      return "outbound|" + PORT + "||" + host();
    }
  }

  /** One service's objects: the Service and its EndpointSlice. */
  public record ServiceObjects(ServiceRef ref, Service service, EndpointSlice slice) {
    /** Both objects, Service first. */
    public List<HasMetadata> objects() {
      return List.of(service, slice);
    }
  }
}
