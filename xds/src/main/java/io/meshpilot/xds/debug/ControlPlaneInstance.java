package io.meshpilot.xds.debug;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.envoyproxy.envoy.config.core.v3.ControlPlane;
import java.util.Objects;

/**
 * This control plane instance as istioctl reads it from a syncz response's {@code
 * control_plane.identifier}: istiod's IstioControlPlaneInstance JSON, whose {@code ID} is the
 * ISTIOD column of {@code istioctl proxy-status} and whose {@code Info.version} is the control
 * plane version of {@code istioctl version}.
 *
 * @param component the component type; {@code istiod}, the role meshpilot plays for istioctl
 * @param id the instance, istiod's {@code POD_NAME}
 * @param version the build version
 */
public record ControlPlaneInstance(String component, String id, String version) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public ControlPlaneInstance {
    Objects.requireNonNull(component, "component");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(version, "version");
  }

  /** An istiod-role instance named {@code id} at this build version. */
  public static ControlPlaneInstance of(String id, String version) {
    return new ControlPlaneInstance("istiod", id, version);
  }

  /** The identifier as istiod writes it: {@code {"Component":…,"ID":…,"Info":{"version":…,…}}}. */
  public ControlPlane toControlPlane() {
    try {
      return ControlPlane.newBuilder()
          .setIdentifier(JSON.writeValueAsString(new Identifier(component, id, new BuildInfo(version))))
          .build();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the control plane identifier", e);
    }
  }

  /** istiod's IstioControlPlaneInstance: Go field names, no tags. */
  @JsonPropertyOrder({"Component", "ID", "Info"})
  private record Identifier(@JsonProperty("Component") String component, @JsonProperty("ID") String id,
      @JsonProperty("Info") BuildInfo info) {}

  /**
   * Istio's version.BuildInfo: every field written, as Go writes them; meshpilot has no Go
   * toolchain, git state or tag to report, so those stay empty.
   */
  @JsonPropertyOrder({"version", "revision", "golang_version", "status", "tag"})
  private record BuildInfo(@JsonProperty("version") String version) {
    @JsonProperty("revision")
    String revision() {
      return "";
    }

    @JsonProperty("golang_version")
    String golangVersion() {
      return "";
    }

    @JsonProperty("status")
    String status() {
      return "";
    }

    @JsonProperty("tag")
    String tag() {
      return "";
    }
  }
}
