package io.meshpilot.xds.server;

import java.util.Set;

/** What a proxy holds of one type: resource names and their versions. */
public interface ResourceVersions {
  /** The version of this resource, or null if it is not held. */
  String versionOf(String name);

  /** Every name held. */
  Set<String> names();

  /** How many resources are held. */
  default int size() {
    return names().size();
  }

  /** True if every resource of this part is held at its version (same instance). */
  default boolean sharesPart(ResourcePart part) {
    return false;
  }
}
