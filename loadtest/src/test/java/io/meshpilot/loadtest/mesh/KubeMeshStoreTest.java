package io.meshpilot.loadtest.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The mesh written to an API server (fabric8's CRUD mock): namespaces, Services, slices, and edits. */
@EnableKubernetesMockClient(crud = true, https = false, kubernetesClientBuilderCustomizer = KubeMeshStoreTest.Http11.class)
class KubeMeshStoreTest {
  KubernetesClient client;

  private final GeneratedMesh mesh = new GeneratedMesh(new MeshSpec(3, 2, 2));

  @Test
  void writesNamespacesServicesAndSlices() {
    KubeMeshStore store = new KubeMeshStore(client, Path.of("kubeconfig"));
    store.writeAll(mesh);

    assertThat(client.namespaces().withName("lt-01").get()).isNotNull();
    assertThat(client.services().inNamespace("lt-00").list().getItems()).hasSize(2);
    assertThat(client.discovery().v1().endpointSlices().inNamespace("lt-01").withName("svc-0001-lt").get()
        .getEndpoints()).hasSize(2);
    assertThat(store.serverArgs()).containsExactly("--kubeconfig", "kubeconfig");
  }

  @Test
  void anEditReplacesTheExistingSlice() {
    KubeMeshStore store = new KubeMeshStore(client, Path.of("kubeconfig"));
    store.writeAll(mesh);
    store.write(mesh.withAddedEndpoint(0, MeshAddresses.added(0)));

    EndpointSlice slice = client.discovery().v1().endpointSlices().inNamespace("lt-00").withName("svc-0000-lt").get();
    assertThat(slice.getEndpoints()).hasSize(3);
    assertThat(slice.getEndpoints().get(2).getAddresses()).containsExactly("10.250.0.1");
  }

  @Test
  void anEarlierRunsExtraServiceIsRemovedAndClosingDeletesTheGeneratedObjects() {
    KubeMeshStore earlier = new KubeMeshStore(client, Path.of("kubeconfig"));
    earlier.writeAll(mesh);
    earlier.write(mesh.extraService(3)); // an interrupted run leaves its extra Service behind

    KubeMeshStore store = new KubeMeshStore(client, Path.of("kubeconfig"));
    store.writeAll(mesh);
    assertThat(client.services().inNamespace("lt-01").withName("svc-0003").get()).isNull();

    store.close(); // closes the client it was given too
    KubernetesClientBuilder builder = new KubernetesClientBuilder().withConfig(client.getConfiguration());
    new Http11().accept(builder);
    try (KubernetesClient after = builder.build()) {
      assertThat(after.services().inAnyNamespace().withLabel(GeneratedMesh.OWNER_LABEL).list().getItems()).isEmpty();
      assertThat(after.discovery().v1().endpointSlices().inAnyNamespace().list().getItems()).isEmpty();
    }
  }

  /** HTTP/1.1 to the mock, as registry's kube tests do: its h2c upgrade occasionally hangs. */
  public static final class Http11 implements Consumer<KubernetesClientBuilder> {
    @Override
    public void accept(KubernetesClientBuilder builder) {
      builder.withHttpClientFactory(new JdkHttpClientFactory() {
        @Override
        protected void additionalConfig(HttpClient.Builder http) {
          http.version(HttpClient.Version.HTTP_1_1);
        }
      });
    }
  }
}
