package io.meshpilot.controlplane.chart;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The objects one rendering of the chart produced, looked up by type. */
record RenderedChart(List<HasMetadata> objects) {
  RenderedChart {
    objects = List.copyOf(objects);
  }

  /** The one object of this type; fails if there is none or more than one. */
  <T extends HasMetadata> T one(Class<T> type) {
    List<T> found = all(type);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + type.getSimpleName() + ", rendered " + found.size() + ": " + kinds());
    }
    return found.get(0);
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** apiVersion/kind of every object, sorted. */
  Set<String> kinds() {
    Set<String> kinds = new TreeSet<>();
    objects.forEach(o -> kinds.add(o.getApiVersion() + "/" + o.getKind()));
    return kinds;
  }
}
