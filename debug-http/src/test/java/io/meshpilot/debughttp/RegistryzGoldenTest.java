package io.meshpilot.debughttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.file.FileSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * End-to-end golden tests of {@code /debug/registryz}: Kubernetes YAML in {@code golden/<case>.yaml}
 * goes through the file source and the registry, and the pretty JSON must equal
 * {@code golden/<case>.json} byte for byte. Each expected file was checked field by field against
 * shared/reference/istio-registry.md §1, §4, §5 and §6. Run with {@code -Dgolden.update=true} to
 * rewrite the files after a deliberate change, then review the diff.
 */
class RegistryzGoldenTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden");

  @TempDir Path configDir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "clusterip", "headless", "externalname", "dualstack", "protocols", "loadbalancer",
      "serviceentries", "autoallocated", "html-escaping"})
  void registryzMatchesGolden(String name) throws IOException {
    Files.copy(GOLDEN.resolve(name + ".yaml"), configDir.resolve(name + ".yaml"));
    MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());
    try (FileSource source = new FileSource(configDir, registry)) {
      source.start();
    }

    assertThat(registry.rejections()).as("rejections").isEmpty();
    String actual = RegistryzJson.write(registry.services(), true);
    Path expectedFile = GOLDEN.resolve(name + ".json");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
    }
    assertThat(actual).isEqualTo(Files.readString(expectedFile, StandardCharsets.UTF_8));
  }
}
