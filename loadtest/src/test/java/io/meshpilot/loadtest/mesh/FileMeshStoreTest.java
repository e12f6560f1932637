package io.meshpilot.loadtest.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.file.FileSource;
import io.meshpilot.registry.model.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files the load test writes are what meshpilot's file registry reads. */
class FileMeshStoreTest {
  @TempDir
  Path dir;

  @Test
  void theFileRegistryReadsEveryServiceAndItsEndpoints() throws Exception {
    GeneratedMesh mesh = new GeneratedMesh(new MeshSpec(6, 2, 3));
    new FileMeshStore(dir).writeAll(mesh);
    MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
    try (FileSource source = new FileSource(dir, registry)) {
      source.start();
      assertThat(registry.services()).extracting(Service::hostname)
          .contains("svc-0000.lt-00.svc.cluster.local", "svc-0005.lt-01.svc.cluster.local").hasSize(6);
      assertThat(registry.endpointShards("svc-0000.lt-00.svc.cluster.local", "lt-00").values())
          .singleElement().satisfies(endpoints -> assertThat(endpoints).hasSize(3));
      assertThat(registry.rejections()).isEmpty();
    }
  }

  @Test
  void oneFilePerServiceAndAChangeLeavesNoTemporaryFileBehind() throws Exception {
    GeneratedMesh mesh = new GeneratedMesh(new MeshSpec(3, 1, 1));
    FileMeshStore store = new FileMeshStore(dir);
    store.writeAll(mesh);
    store.write(mesh.withAddedEndpoint(1, MeshAddresses.added(0)));
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("lt-00-svc-0000.yaml", "lt-00-svc-0001.yaml", "lt-00-svc-0002.yaml");
    }
    assertThat(Files.readString(dir.resolve("lt-00-svc-0001.yaml"))).contains("10.250.0.1").contains("kind: \"EndpointSlice\"");
  }

  @Test
  void aPreparedChangeIsInvisibleToTheRegistryUntilItIsApplied() throws Exception {
    GeneratedMesh mesh = new GeneratedMesh(new MeshSpec(2, 1, 1));
    FileMeshStore store = new FileMeshStore(dir);
    store.writeAll(mesh);
    String before = Files.readString(dir.resolve("lt-00-svc-0001.yaml"));

    MeshStore.PreparedWrite change = store.prepare(mesh.withAddedEndpoint(1, MeshAddresses.added(0)));

    assertThat(Files.readString(dir.resolve("lt-00-svc-0001.yaml"))).isEqualTo(before);
    try (var files = Files.list(dir)) {
      // rendered aside under a hidden name, which the file registry skips
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("."))).hasSize(1);
    }
    change.apply();
    assertThat(Files.readString(dir.resolve("lt-00-svc-0001.yaml"))).contains("10.250.0.1");
  }

  @Test
  void writingTheMeshAgainDropsAnEarlierRunsExtraService() throws Exception {
    GeneratedMesh mesh = new GeneratedMesh(new MeshSpec(2, 1, 1));
    FileMeshStore store = new FileMeshStore(dir);
    store.writeAll(mesh);
    store.write(mesh.extraService(2));
    Files.writeString(dir.resolve("other.yaml"), "# not the load test's\n");

    store.writeAll(mesh);

    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("lt-00-svc-0000.yaml", "lt-00-svc-0001.yaml", "other.yaml");
    }
  }
}
