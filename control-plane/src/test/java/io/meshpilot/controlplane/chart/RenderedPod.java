package io.meshpilot.controlplane.chart;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.LinkedHashMap;
import java.util.Map;

/** The meshpilot Deployment's pod spec and its one container, with lookups by mount path and name. */
record RenderedPod(PodSpec spec, Container container) {
  static RenderedPod of(RenderedChart chart) {
    PodSpec spec = chart.one(Deployment.class).getSpec().getTemplate().getSpec();
    if (spec.getContainers().size() != 1) {
      throw new AssertionError("expected one container: " + spec.getContainers());
    }
    return new RenderedPod(spec, spec.getContainers().get(0));
  }

  VolumeMount mount(String path) {
    return container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path)).findFirst()
        .orElseThrow(() -> new AssertionError("no mount at " + path + ": " + container.getVolumeMounts()));
  }

  /** The volume mounted at this path. */
  Volume volumeAt(String path) {
    String name = mount(path).getName();
    return spec.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  /** The container's literal environment variables (valueFrom ones left out). */
  Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : container.getEnv()) {
      if (var.getValue() != null) {
        env.put(var.getName(), var.getValue());
      }
    }
    return env;
  }
}
