package io.meshpilot.xds.server;

import io.envoyproxy.controlplane.cache.Resources;
import java.util.Optional;

/**
 * The xDS resource types meshpilot serves, declared in istiod's push order (CDS, EDS, LDS, RDS, NDS):
 * iterating {@link #values()} gives the order in which a push sends them.
 */
public enum XdsType {
  CLUSTER(Resources.V3.CLUSTER_TYPE_URL, "cds", true),
  ENDPOINT(Resources.V3.ENDPOINT_TYPE_URL, "eds", false),
  LISTENER(Resources.V3.LISTENER_TYPE_URL, "lds", true),
  ROUTE(Resources.V3.ROUTE_TYPE_URL, "rds", false),
  /** Istio's DNS name table (NDS), asked for by pilot-agent when DNS capture is on: one unnamed resource. */
  NAME_TABLE("type.googleapis.com/istio.networking.nds.v1.NameTable", "nds", true);

  private final String typeUrl;
  private final String shortName;
  private final String logName;
  private final boolean wildcard;

  XdsType(String typeUrl, String shortName, boolean wildcard) {
    this.typeUrl = typeUrl;
    this.shortName = shortName;
    this.logName = shortName.toUpperCase(java.util.Locale.ROOT);
    this.wildcard = wildcard;
  }

  /** The full type URL, e.g. {@code type.googleapis.com/envoy.config.cluster.v3.Cluster}. */
  public String typeUrl() {
    return typeUrl;
  }

  /** istiod's short name used in metric labels and logs: cds, eds, lds, rds, nds. */
  public String shortName() {
    return shortName;
  }

  /** istiod's name in log lines ({@code ADS:CDS: ...}): CDS, EDS, LDS, RDS, NDS. */
  public String logName() {
    return logName;
  }

  /** True for CDS, LDS and NDS: the client always gets the complete set, whatever names it asks for. */
  public boolean wildcard() {
    return wildcard;
  }

  /** The type for a type URL, if meshpilot serves it. */
  public static Optional<XdsType> ofTypeUrl(String typeUrl) {
    for (XdsType type : values()) {
      if (type.typeUrl.equals(typeUrl)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
