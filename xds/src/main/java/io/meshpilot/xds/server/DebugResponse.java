package io.meshpilot.xds.server;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.ControlPlane;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link DebugGenerator} answers: the resources of one DiscoveryResponse.
 *
 * @param versionInfo the response's {@code version_info} (the push version it was built from)
 * @param resources the response's resources, in order
 * @param controlPlane the {@code control_plane} identifying this instance (istiod sets it for syncz only)
 */
public record DebugResponse(String versionInfo, List<Any> resources, Optional<ControlPlane> controlPlane) {
  public DebugResponse {
    Objects.requireNonNull(versionInfo, "versionInfo");
    Objects.requireNonNull(controlPlane, "controlPlane");
    resources = List.copyOf(resources);
  }
}
