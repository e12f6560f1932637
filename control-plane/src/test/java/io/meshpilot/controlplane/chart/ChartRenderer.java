package io.meshpilot.controlplane.chart;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Renders charts/meshpilot with helm-java (Helm in-process, no cluster) as release {@code meshpilot}
 * in {@code istio-system} for Kubernetes 1.30, and parses the manifests into fabric8 objects.
 */
final class ChartRenderer {
  static final String RELEASE = "meshpilot";
  static final String NAMESPACE = "istio-system";
  /** helm template assumes Kubernetes 1.20 without a cluster; the chart needs 1.23+. */
  static final String KUBE_VERSION = "1.30.0";
  static final Path CHART = locate();

  private ChartRenderer() {}

  /** The chart with its default values. */
  static RenderedChart render() {
    return render(Map.of());
  }

  /** The chart with {@code --set key=value} for each entry. */
  static RenderedChart render(Map<String, Object> sets) {
    return parse(template(sets).call());
  }

  /** The chart with a values file (YAML text), then {@code --set} entries on top. */
  static RenderedChart render(String valuesYaml, Map<String, Object> sets) {
    try {
      Path file = Files.createTempFile("meshpilot-values", ".yaml");
      try {
        Files.writeString(file, valuesYaml);
        return parse(template(sets).withValuesFile(file).call());
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What `helm install` prints after installing (NOTES.txt), from a client-only dry run. */
  static String notes(Map<String, Object> sets) {
    InstallCommand install = new Helm(CHART).install().clientOnly().dryRun()
        .withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
    sets.forEach(install::set);
    return install.call().getOutput();
  }

  private static TemplateCommand template(Map<String, Object> sets) {
    TemplateCommand command = new Helm(CHART).template()
        .withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
    sets.forEach(command::set);
    return command;
  }

  private static RenderedChart parse(String manifests) {
    Object parsed = Serialization.unmarshal(manifests);
    @SuppressWarnings("unchecked")
    List<HasMetadata> objects = parsed instanceof List<?> list ? (List<HasMetadata>) list : List.of((HasMetadata) parsed);
    return new RenderedChart(objects);
  }

  /** The chart directory, found from the module's working directory up (Maven runs tests in control-plane/). */
  private static Path locate() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path chart = dir.resolve("charts/meshpilot");
      if (Files.isRegularFile(chart.resolve("Chart.yaml"))) {
        return chart;
      }
    }
    throw new IllegalStateException("charts/meshpilot not found above " + Path.of("").toAbsolutePath());
  }
}
