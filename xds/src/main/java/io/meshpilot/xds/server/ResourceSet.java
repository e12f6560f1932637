package io.meshpilot.xds.server;

import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Resources generated for one proxy and type, by name, with their content versions. After a
 * partial regeneration (endpoints-only push) {@code versions} may name resources that are not in
 * {@code resources}: those are unchanged and taken from what the client already has.
 */
record ResourceSet(SortedMap<String, Message> resources, SortedMap<String, String> versions) {
  ResourceSet {
    resources = Collections.unmodifiableSortedMap(new TreeMap<>(resources));
    versions = Collections.unmodifiableSortedMap(new TreeMap<>(versions));
  }

  static ResourceSet of(List<? extends Message> messages) {
    SortedMap<String, Message> resources = new TreeMap<>();
    SortedMap<String, String> versions = new TreeMap<>();
    for (Message message : messages) {
      String name = Resources.getResourceName(message);
      resources.put(name, message);
      versions.put(name, ContentHash.of(message));
    }
    return new ResourceSet(resources, versions);
  }

  /** This set completed with versions of resources that were not regenerated. */
  ResourceSet withUnchanged(Map<String, String> unchangedVersions) {
    SortedMap<String, String> all = new TreeMap<>(unchangedVersions);
    all.putAll(versions);
    return new ResourceSet(resources, all);
  }

  /** The version of the whole set, sent as version_info / system_version_info. */
  String version() {
    return ContentHash.ofSet(versions);
  }

  /** The generated resources whose version differs from (or is missing in) {@code known}. */
  SortedMap<String, Message> changedSince(Map<String, String> known) {
    SortedMap<String, Message> changed = new TreeMap<>();
    resources.forEach((name, message) -> {
      if (!versions.get(name).equals(known.get(name))) {
        changed.put(name, message);
      }
    });
    return changed;
  }
}
