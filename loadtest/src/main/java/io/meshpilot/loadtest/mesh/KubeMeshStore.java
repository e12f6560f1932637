package io.meshpilot.loadtest.mesh;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mesh in a Kubernetes API server (fabric8 client from a kubeconfig file). It creates the
 * namespaces, replaces what an earlier run left in them, and deletes its Services and
 * EndpointSlices when it closes. The namespaces stay: on an API server without a controller-manager
 * a deleted namespace stays Terminating for good, and the next run could not write into it.
 */
public final class KubeMeshStore implements MeshStore {
  private static final Logger log = LoggerFactory.getLogger(KubeMeshStore.class);

  private final Path kubeconfig;
  private final KubernetesClient client;
  private List<String> namespaces = List.of();

  /** A store in the API server this kubeconfig file points at. */
  public KubeMeshStore(Path kubeconfig) throws IOException {
    this(new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig, StandardCharsets.UTF_8))).build(), kubeconfig);
  }

  /**
   * @param client a client of the API server (closed with the store)
   * @param kubeconfig the file meshpilot is to read that API server with
   */
  KubeMeshStore(KubernetesClient client, Path kubeconfig) {
    this.client = client;
    this.kubeconfig = kubeconfig;
  }

  @Override
  public void writeAll(GeneratedMesh mesh) {
    mesh.namespaceObjects().forEach(this::apply);
    namespaces = mesh.namespaces();
    deleteGenerated(); // e.g. the extra Service of an interrupted run, which would already be there
    mesh.services().forEach(this::write);
  }

  @Override
  public void write(GeneratedMesh.ServiceObjects service) {
    service.objects().forEach(this::apply);
  }

  /** The objects are built already; the change is the API requests. */
  @Override
  public PreparedWrite prepare(GeneratedMesh.ServiceObjects service) {
    return () -> write(service);
  }

  /**
   * Creates the object, or updates it if it exists. (Create-then-update on a conflict does not work
   * for a Service: the API server allocates its ClusterIP before it checks the name, and answers 422
   * "IP already allocated" rather than 409.)
   */
  private void apply(HasMetadata object) {
    var resource = client.resource(object);
    if (resource.get() == null) {
      resource.create();
    } else {
      resource.update();
    }
  }

  @Override
  public List<String> serverArgs() {
    return List.of("--kubeconfig", kubeconfig.toString());
  }

  @Override
  public String describe() {
    return "kube:" + kubeconfig;
  }

  private void deleteGenerated() {
    for (String ns : namespaces) {
      client.services().inNamespace(ns).withLabel(GeneratedMesh.OWNER_LABEL, GeneratedMesh.OWNER).delete();
      client.discovery().v1().endpointSlices().inNamespace(ns)
          .withLabel(GeneratedMesh.OWNER_LABEL, GeneratedMesh.OWNER).delete();
    }
  }

  @Override
  public void close() {
    try {
      deleteGenerated();
      log.info("deleted the generated Services and EndpointSlices in {}", namespaces);
    } catch (RuntimeException e) {
      log.warn("could not delete the generated objects in {}: {}", namespaces, e.getMessage());
    } finally {
      client.close();
    }
  }
}
