package io.meshpilot.xds.proxy;

import com.google.protobuf.Struct;

/**
 * Bounds on what one Envoy node may claim. A pilot-agent's metadata is a few KiB (labels,
 * annotations, a handful of IPs); these limits are far above that and exist so that one client
 * cannot make every push carry, hash and dump megabytes for it. istiod has no such limits beyond
 * gRPC's message size; meshpilot refuses such a node rather than serve it partially.
 */
final class NodeLimits {
  /** Serialized size of the whole metadata struct. */
  static final int MAX_METADATA_BYTES = 64 * 1024;
  /** Entries in metadata LABELS. */
  static final int MAX_LABELS = 256;
  /** Comma-separated entries in metadata INSTANCE_IPS (a pod has one per address family). */
  static final int MAX_INSTANCE_IPS = 32;
  /** Characters in node.id: four fields, each a DNS name or shorter. */
  static final int MAX_NODE_ID_CHARS = 1024;

  private NodeLimits() {}

  /** Refuses metadata larger than {@link #MAX_METADATA_BYTES}. */
  static void check(String nodeId, Struct metadata) throws InvalidProxyException {
    int size = metadata.getSerializedSize();
    if (size > MAX_METADATA_BYTES) {
      throw new InvalidProxyException("node \"" + nodeId + "\": metadata is " + size + " bytes serialized, more than the "
          + MAX_METADATA_BYTES + " allowed");
    }
  }
}
