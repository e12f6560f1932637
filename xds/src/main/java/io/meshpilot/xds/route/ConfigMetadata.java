package io.meshpilot.xds.route;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.meshpilot.xds.view.MeshVirtualService;

/**
 * The {@code filter_metadata.istio.config} istiod puts on what a config object generated (routes,
 * filter chains): {@code /apis/networking.istio.io/v1/namespaces/<ns>/virtual-service/<name>}.
 * istioctl reads it to name the VirtualService behind a route.
 */
public final class ConfigMetadata {
  private ConfigMetadata() {}

  public static String path(MeshVirtualService vs) {
    return "/apis/networking.istio.io/v1/namespaces/" + vs.namespace() + "/virtual-service/" + vs.name();
  }

  public static Metadata of(String path) {
    return Metadata.newBuilder().putFilterMetadata("istio", Struct.newBuilder()
        .putFields("config", Value.newBuilder().setStringValue(path).build()).build()).build();
  }
}
