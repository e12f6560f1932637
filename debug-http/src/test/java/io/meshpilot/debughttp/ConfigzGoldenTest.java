package io.meshpilot.debughttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshpilot.registry.MeshRegistry;
import io.meshpilot.registry.RegistryConfig;
import io.meshpilot.registry.file.FileSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /debug/configz} end to end: {@code golden/configz.yaml} goes through the file source and
 * the registry, and the pretty JSON must equal {@code golden/configz.json} byte for byte (istiod's
 * {@code kubernetesConfig} shape: kinds in schema order, metadata as Go's ObjectMeta, canonical
 * apiVersion). Run with {@code -Dgolden.update=true} to rewrite it after a deliberate change.
 */
class ConfigzGoldenTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden");

  @TempDir Path configDir;
  private final MeshRegistry registry = new MeshRegistry(RegistryConfig.defaults());

  @BeforeEach
  void load() throws IOException {
    Files.copy(GOLDEN.resolve("configz.yaml"), configDir.resolve("configz.yaml"));
    try (FileSource source = new FileSource(configDir, registry)) {
      source.start();
    }
  }

  @Test
  void configzMatchesGolden() throws IOException {
    assertThat(registry.rejections()).as("rejections").isEmpty();
    String actual = ConfigzJson.write(registry.storedConfigs(), true);
    Path expectedFile = GOLDEN.resolve("configz.json");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
    }
    assertThat(actual).isEqualTo(Files.readString(expectedFile, StandardCharsets.UTF_8));
  }

  @Test
  void compactOutputIsTheSameDocumentOnOneLine() {
    String compact = ConfigzJson.write(registry.storedConfigs(), false);

    assertThat(compact).doesNotContain("\n")
        .startsWith("[{\"kind\":\"DestinationRule\",\"apiVersion\":\"networking.istio.io/v1\",\"metadata\":"
            + "{\"name\":\"reviews\",\"namespace\":\"shop\",\"uid\":\"5b7f3c3e-1111-4d3a-9a55-000000000001\"");
  }
}
