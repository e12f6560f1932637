package io.meshpilot.controlplane.cli;

import java.util.List;
import java.util.Map;

/** xDS type URLs and the short names istioctl prints for them (CDS, LDS, ...). */
final class XdsTypes {
  static final String PREFIX = "type.googleapis.com/";
  static final String CDS = PREFIX + "envoy.config.cluster.v3.Cluster";
  static final String LDS = PREFIX + "envoy.config.listener.v3.Listener";
  static final String EDS = PREFIX + "envoy.config.endpoint.v3.ClusterLoadAssignment";
  static final String RDS = PREFIX + "envoy.config.route.v3.RouteConfiguration";

  /** The columns of the proxy-status table, in order. */
  static final List<String> TABLE_TYPES = List.of(CDS, LDS, EDS, RDS);

  private static final Map<String, String> SHORT = Map.ofEntries(
      Map.entry(CDS, "CDS"),
      Map.entry(LDS, "LDS"),
      Map.entry(EDS, "EDS"),
      Map.entry(RDS, "RDS"),
      Map.entry(PREFIX + "envoy.extensions.transport_sockets.tls.v3.Secret", "SDS"),
      Map.entry(PREFIX + "envoy.config.core.v3.TypedExtensionConfig", "ECDS"),
      Map.entry(PREFIX + "istio.networking.nds.v1.NameTable", "NDS"),
      Map.entry(PREFIX + "istio.mesh.v1alpha1.ProxyConfig", "PCDS"),
      Map.entry(PREFIX + "istio.workload.Address", "WDS"),
      Map.entry(PREFIX + "istio.workload.Workload", "WDS"),
      Map.entry(PREFIX + "istio.security.Authorization", "WADS"));

  private XdsTypes() {}

  /** {@code CDS} for the cluster type; the URL itself for types without a short name. */
  static String shortName(String typeUrl) {
    return SHORT.getOrDefault(typeUrl, typeUrl);
  }

  /** Table columns first, then the rest by URL. */
  static int order(String typeUrl) {
    int column = TABLE_TYPES.indexOf(typeUrl);
    return column >= 0 ? column : TABLE_TYPES.size();
  }
}
