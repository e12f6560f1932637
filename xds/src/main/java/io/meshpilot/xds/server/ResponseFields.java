package io.meshpilot.xds.server;

import java.util.List;

/**
 * Resources as the {@code resources} fields of a DiscoveryResponse or a DeltaDiscoveryResponse, in
 * order, in one array each: encoded on first use, then shared by every response that carries them.
 */
final class ResponseFields {
  private final List<EncodedResource> resources;
  private volatile byte[] sotw;
  private volatile byte[] delta;

  ResponseFields(List<EncodedResource> resources) {
    this.resources = resources;
  }

  byte[] sotw() {
    byte[] fields = sotw;
    if (fields == null) {
      fields = concat(resources, true);
      sotw = fields;
    }
    return fields;
  }

  byte[] delta() {
    byte[] fields = delta;
    if (fields == null) {
      fields = concat(resources, false);
      delta = fields;
    }
    return fields;
  }

  private static byte[] concat(List<EncodedResource> resources, boolean sotw) {
    byte[][] chunks = new byte[resources.size()][];
    int length = 0;
    for (int i = 0; i < chunks.length; i++) {
      chunks[i] = sotw ? resources.get(i).sotwField() : resources.get(i).deltaField();
      length += chunks[i].length;
    }
    byte[] all = new byte[length];
    int at = 0;
    for (byte[] chunk : chunks) {
      System.arraycopy(chunk, 0, all, at, chunk.length);
      at += chunk.length;
    }
    return all;
  }
}
