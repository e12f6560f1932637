package io.meshpilot.xds.server;

import java.util.Set;

/** Generates one type's resources for one proxy (a {@link ResourceSource} bound to both). */
@FunctionalInterface
interface TypeGenerator {
  ResourceSet generate(Set<String> names);
}
