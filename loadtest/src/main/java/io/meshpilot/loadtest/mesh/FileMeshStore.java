package io.meshpilot.loadtest.mesh;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The mesh as a directory for meshpilot's file registry: one YAML file per service
 * ({@code <namespace>-<name>.yaml}, its Service and EndpointSlice). A change replaces a file by an
 * atomic move from a hidden temporary file, so the watcher never reads half a file.
 */
public final class FileMeshStore implements MeshStore {
  private static final Pattern GENERATED = Pattern.compile("lt-\\d+-svc-\\d+\\.yaml");

  private final Path dir;
  private final KubernetesSerialization yaml = new KubernetesSerialization();

  public FileMeshStore(Path dir) {
    this.dir = dir;
  }

  @Override
  public void writeAll(GeneratedMesh mesh) throws IOException {
    Files.createDirectories(dir);
    // a reused --mesh-dir may hold an earlier run's files, e.g. its extra Service
    try (Stream<Path> files = Files.list(dir)) {
      for (Path old : files.filter(p -> GENERATED.matcher(p.getFileName().toString()).matches()).toList()) {
        Files.delete(old);
      }
    }
    for (GeneratedMesh.ServiceObjects service : mesh.services()) {
      Files.writeString(file(service.ref()), render(service), StandardCharsets.UTF_8);
    }
  }

  @Override
  public PreparedWrite prepare(GeneratedMesh.ServiceObjects service) throws IOException {
    // hidden, so the file registry skips it until it is moved into place
    Path temp = Files.createTempFile(dir, ".loadtest-", ".tmp");
    Files.writeString(temp, render(service), StandardCharsets.UTF_8);
    Path target = file(service.ref());
    return () -> Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The YAML of one service's file: its objects as {@code ---}-separated documents. */
  String render(GeneratedMesh.ServiceObjects service) {
    return service.objects().stream().map(yaml::asYaml).collect(Collectors.joining());
  }

  private Path file(GeneratedMesh.ServiceRef ref) {
    return dir.resolve(ref.namespace() + "-" + ref.name() + ".yaml");
  }

  @Override
  public List<String> serverArgs() {
    return List.of("--config-dir", dir.toString());
  }

  @Override
  public String describe() {
    return "file:" + dir;
  }
}
