package io.meshpilot.loadtest.client;

import java.util.Arrays;
import java.util.Optional;

/** The four xDS types a sidecar asks for, in Envoy's order, with their v3 type URLs. */
public enum ResourceType {
  CLUSTER("type.googleapis.com/envoy.config.cluster.v3.Cluster"),
  ENDPOINT("type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment"),
  LISTENER("type.googleapis.com/envoy.config.listener.v3.Listener"),
  ROUTE("type.googleapis.com/envoy.config.route.v3.RouteConfiguration");

  private final String typeUrl;

  ResourceType(String typeUrl) {
    this.typeUrl = typeUrl;
  }

  public String typeUrl() {
    return typeUrl;
  }

  /** The type with this URL, if it is one of the four. */
  public static Optional<ResourceType> ofTypeUrl(String typeUrl) {
    return Arrays.stream(values()).filter(t -> t.typeUrl.equals(typeUrl)).findFirst();
  }
}
