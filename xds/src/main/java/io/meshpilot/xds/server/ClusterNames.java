package io.meshpilot.xds.server;

/** Reads istiod-style cluster names ({@code outbound|<port>|<subset>|<hostname>}). */
public final class ClusterNames {
  private ClusterNames() {}

  /** The service hostname a cluster (and so its ClusterLoadAssignment) belongs to. */
  public static String hostname(String clusterName) {
    int bar = clusterName.lastIndexOf('|');
    return bar < 0 ? clusterName : clusterName.substring(bar + 1);
  }
}
