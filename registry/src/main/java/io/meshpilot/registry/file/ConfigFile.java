package io.meshpilot.registry.file;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.meshpilot.registry.ObjectKey;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One YAML file of the config tree as last read.
 *
 * @param text its text, or {@code null} when it could not be read (then it is parsed again next time)
 * @param objects the objects it yields: what it holds, or its last good objects where it is bad
 * @param reports what was reported for it, reported again while its text stays the same
 */
record ConfigFile(String text, Map<ObjectKey, HasMetadata> objects, List<Report> reports) {
  /** A file not read before. */
  static final ConfigFile NEW = new ConfigFile(null, Map.of(), List.of());

  ConfigFile {
    objects = Collections.unmodifiableMap(objects);
    reports = List.copyOf(reports);
  }

  /** Why the file, or one of its documents ({@code key}), yields nothing or only its last good state. */
  record Report(ObjectKey key, String reason) {}
}
