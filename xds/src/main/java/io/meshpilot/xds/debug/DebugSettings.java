package io.meshpilot.xds.debug;

import java.util.Objects;

/**
 * How debug types are served over xDS, read once at the edge.
 *
 * @param authorization who may read which proxies
 * @param instance how this instance identifies itself to istioctl
 */
public record DebugSettings(DebugAuthorization authorization, ControlPlaneInstance instance) {
  public DebugSettings {
    Objects.requireNonNull(authorization, "authorization");
    Objects.requireNonNull(instance, "instance");
  }

  /** istiod's authorization defaults; an instance with no name and an unknown version. */
  public static DebugSettings defaults() {
    return new DebugSettings(DebugAuthorization.defaults(), ControlPlaneInstance.of("", "unknown"));
  }
}
