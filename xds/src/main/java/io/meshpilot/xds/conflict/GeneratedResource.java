package io.meshpilot.xds.conflict;

import java.util.Objects;

/**
 * What one generation covered: the conflicts it reports replace those of its last run, so running a
 * generator again (many times per push) reports nothing twice.
 *
 * @param type the xDS type, {@code RDS}, {@code LDS} or {@code CDS}
 * @param name the resource name ({@code "80"}), or a name for a generator's whole output
 * @param namespace the proxy namespace it was generated for: visibility, and so conflicts, follow it
 */
public record GeneratedResource(String type, String name, String namespace) {
  public GeneratedResource {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(namespace, "namespace");
  }
}
