package io.meshpilot.xds.e2e;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.ServiceRegistry;
import io.meshpilot.registry.networking.TrafficConfigs;
import io.meshpilot.xds.MeshDiscovery;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.push.PushSettings;
import io.meshpilot.xds.traffic.TrafficRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The set-up the Envoy end-to-end tests of traffic config share: Services with labelled pods and
 * their EndpointSlice in a real {@link MeshRegistry}, Istio traffic configs the test sets (each
 * change pushed as the registry's sources would), meshpilot's ADS server over both on an
 * ephemeral port, and sidecar Envoys in interception mode NONE talking SotW or Delta ADS to it.
 * Everything started here is closed with the harness.
 */
public final class EnvoyMesh implements AutoCloseable {
  /** Where workloads' Services and pods live. */
  public static final String NS = "default";

  private final MeshRegistry services = new MeshRegistry(RegistryConfig.defaults());
  private final TrafficRegistry traffic = new TrafficRegistry(services);
  private final Closer closer = new Closer();
  private MeshDiscovery discovery;

  /**
   * A pod of a workload.
   *
   * @param labels its labels besides {@code app} ({@code version}, {@code topology.istio.io/locality}, ...)
   * @param ready whether its endpoint is ready in the slice
   */
  public record Pod(String name, String ip, Map<String, String> labels, boolean ready) {
    public Pod {
      labels = Map.copyOf(labels);
    }

    /** A ready pod labelled {@code version}. */
    public Pod(String name, String ip, String version) {
      this(name, ip, Map.of("version", version), true);
    }

    /** This pod with {@code topology.istio.io/locality: <locality>}. */
    public Pod inLocality(String locality) {
      Map<String, String> more = new HashMap<>(labels);
      more.put("topology.istio.io/locality", locality);
      return new Pod(name, ip, more, ready);
    }

    /** This pod with its endpoint not ready. */
    public Pod notReady() {
      return new Pod(name, ip, labels, false);
    }
  }

  /** Closes {@code resource} with the harness, after what was tracked later. */
  public <T extends AutoCloseable> T track(T resource) {
    return closer.track(resource);
  }

  /** Replaces the traffic configs (VirtualServices, DestinationRules, Sidecars) and tells meshpilot. */
  public EnvoyMesh traffic(TrafficConfigs configs) {
    traffic.set(configs);
    return this;
  }

  /** Services, endpoints and traffic configs as meshpilot reads them (for debug endpoints over the same mesh). */
  public ServiceRegistry registry() {
    return traffic;
  }

  /** The traffic configs set now. */
  public TrafficConfigs traffic() {
    return traffic.trafficConfigs();
  }

  /**
   * A ClusterIP Service {@code app} in {@link #NS} selecting {@code app=<app>}, one port, its pods
   * (labelled {@code app} and their own labels) and one EndpointSlice of them on {@code workloadPort};
   * called again, it replaces them.
   */
  public EnvoyMesh workload(String app, String clusterIp, String portName, int servicePort, int workloadPort,
      List<Pod> pods) {
    services.upsert("test", new ServiceBuilder().withNewMetadata().withName(app).withNamespace(NS)
        .withCreationTimestamp("2026-11-01T09:00:00Z").endMetadata()
        .withNewSpec().withType("ClusterIP").withClusterIP(clusterIp).withClusterIPs(clusterIp)
        .withSelector(Map.of("app", app)).addNewPort().withName(portName).withPort(servicePort).endPort().endSpec()
        .build());
    EndpointSliceBuilder slice = new EndpointSliceBuilder().withNewMetadata().withName(app + "-abc").withNamespace(NS)
        .withLabels(Map.of("kubernetes.io/service-name", app)).endMetadata()
        .withAddressType("IPv4").addNewPort().withName(portName).withPort(workloadPort).endPort();
    for (Pod pod : pods) {
      Map<String, String> labels = new HashMap<>(pod.labels());
      labels.put("app", app);
      services.upsert("test", new PodBuilder().withNewMetadata().withName(pod.name()).withNamespace(NS)
          .withLabels(labels).endMetadata()
          .withNewSpec().withServiceAccountName(app).endSpec()
          .withNewStatus().withPodIP(pod.ip()).addNewPodIP(pod.ip())
          .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build());
      slice.addToEndpoints(new EndpointBuilder().withAddresses(pod.ip())
          .withNewConditions().withReady(pod.ready()).endConditions()
          .withNewTargetRef().withKind("Pod").withName(pod.name()).withNamespace(NS).endTargetRef().build());
    }
    services.upsert("test", slice.build());
    return this;
  }

  /** meshpilot's ADS server over this mesh, started on first use. */
  public MeshDiscovery discovery() throws IOException {
    if (discovery == null) {
      discovery = track(MeshDiscovery.start(traffic, MeshSettings.defaults(), PushSettings.defaults(),
          new InetSocketAddress("127.0.0.1", 0)));
    }
    return discovery;
  }

  /** A sidecar Envoy for {@code node} in interception mode NONE, LIVE on meshpilot's config. */
  public EnvoyProcess sidecar(SidecarNode node, EnvoyBootstrap.AdsMode mode) throws IOException {
    return envoy(EnvoyBootstrap.forSidecar(node.withInterceptionMode(SidecarNode.InterceptionMode.NONE)), mode);
  }

  /** An Envoy from {@code bootstrap} (static listeners and all) with ADS to meshpilot, LIVE. */
  public EnvoyProcess envoy(EnvoyBootstrap bootstrap, EnvoyBootstrap.AdsMode mode) throws IOException {
    return track(EnvoyProcess.start(bootstrap.withAds(mode, new InetSocketAddress("127.0.0.1", discovery().port())))
        .awaitLive());
  }

  /** A TCP port free on {@code ip} now (workload ports differ per run so runs do not collide). */
  public static int freePort(String ip) {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(ip))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws Exception {
    closer.close();
  }
}
