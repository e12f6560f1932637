package io.meshpilot.xds.grpc;


import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.xds.XdsNameResolverProvider;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.xds.traffic.TrafficRegistry;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.xds.e2e.Closer;
import io.meshpilot.xds.MeshDiscovery;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.push.PushSettings;
import io.meshpilot.xds.server.ProxySyncState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One test's mesh: a real {@link MeshRegistry} fed Kubernetes objects in namespace {@code default},
 * meshpilot's discovery server on 127.0.0.1, gRPC backends registered as a service's endpoints (one
 * EndpointSlice per backend, whose port is the backend's real port), and xDS channels dialled with
 * a per-channel bootstrap. Everything it started is closed in reverse order.
 */
final class GrpcMesh implements AutoCloseable {
  static final String NAMESPACE = "default";

  private final MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
  private final TrafficRegistry traffic = new TrafficRegistry(registry);
  private final Closer closer = new Closer();
  private MeshDiscovery discovery;

  <T extends AutoCloseable> T track(T resource) {
    return closer.track(resource);
  }

  MeshRegistry registry() {
    return registry;
  }

  /** The registry discovery serves from: the services above plus the traffic configs a test sets. */
  TrafficRegistry traffic() {
    return traffic;
  }

  /** Starts meshpilot's xDS server on a free loopback port (once). */
  MeshDiscovery discovery() throws IOException {
    if (discovery == null) {
      discovery = track(MeshDiscovery.start(traffic, MeshSettings.defaults(), PushSettings.defaults(),
          new InetSocketAddress("127.0.0.1", 0)));
    }
    return discovery;
  }

  /** A ClusterIP Service selecting {@code app=<name>} with one port. */
  void service(String name, String clusterIp, String portName, int port) {
    registry.upsert("test", new ServiceBuilder().withNewMetadata().withName(name).withNamespace(NAMESPACE)
        .withCreationTimestamp("2026-11-01T09:00:00Z").endMetadata()
        .withNewSpec().withType("ClusterIP").withClusterIP(clusterIp).withClusterIPs(clusterIp)
        .withSelector(Map.of("app", name)).addNewPort().withName(portName).withPort(port).endPort().endSpec().build());
  }

  /** Registers the backend as a ready pod of {@code app} and as an endpoint of the service's port. */
  GrpcBackend endpoint(String app, String portName, GrpcBackend backend) {
    endpoint(app, portName, backend.name(), backend.ip(), backend.port());
    return backend;
  }

  /** Registers a ready pod of {@code app} at {@code ip} and its endpoint {@code ip:port}. */
  void endpoint(String app, String portName, String podName, String ip, int port) {
    registry.upsert("test", new PodBuilder().withNewMetadata().withName(podName).withNamespace(NAMESPACE)
        .withLabels(Map.of("app", app)).endMetadata()
        .withNewSpec().withServiceAccountName(app).endSpec()
        .withNewStatus().withPodIP(ip).addNewPodIP(ip)
        .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build());
    registry.upsert("test", slice(app, portName, podName, ip, port));
  }

  /** Takes the backend out of the service's endpoints (its server keeps running). */
  void removeEndpoint(String app, String portName, GrpcBackend backend) {
    registry.delete("test", slice(app, portName, backend.name(), backend.ip(), backend.port()));
  }

  /** A channel to {@code xds:///<target>} whose xDS client presents {@code bootstrap}. */
  ManagedChannel channel(GrpcBootstrap bootstrap, String target) {
    NameResolverRegistry resolvers = new NameResolverRegistry();
    resolvers.register(XdsNameResolverProvider.createForTest("xds", bootstrap.toMap()));
    ManagedChannel channel = Grpc.newChannelBuilder("xds:///" + target, InsecureChannelCredentials.create(), resolvers)
        .build();
    track(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return channel;
  }

  /** The sync state of the connected proxy with this node id. */
  Optional<ProxySyncState> proxy(String nodeId) throws IOException {
    return discovery().syncStatus().proxies().stream().filter(p -> p.proxy().nodeId().equals(nodeId)).findFirst();
  }

  private static EndpointSlice slice(String app, String portName, String podName, String ip, int port) {
    return new EndpointSliceBuilder().withNewMetadata().withName(app + "-" + podName)
        .withNamespace(NAMESPACE).withLabels(Map.of("kubernetes.io/service-name", app)).endMetadata()
        .withAddressType("IPv4").addNewPort().withName(portName).withPort(port).endPort()
        .addToEndpoints(new EndpointBuilder().withAddresses(ip)
            .withNewConditions().withReady(true).endConditions()
            .withNewTargetRef().withKind("Pod").withName(podName).withNamespace(NAMESPACE).endTargetRef()
            .build())
        .build();
  }

  @Override
  public void close() throws Exception {
    closer.close();
  }
}
