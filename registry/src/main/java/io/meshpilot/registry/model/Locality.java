package io.meshpilot.registry.model;

import java.util.Objects;

/**
 * Where an endpoint runs.
 *
 * @param label {@code region/zone/subzone} (a trailing {@code /} is kept when subzone is empty), or {@code ""}
 * @param clusterId the cluster the endpoint belongs to
 */
public record Locality(String label, String clusterId) {
  public Locality {
    label = Objects.requireNonNullElse(label, "");
    clusterId = Objects.requireNonNullElse(clusterId, "");
  }
}
