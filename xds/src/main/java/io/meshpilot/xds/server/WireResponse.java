package io.meshpilot.xds.server;

import com.google.protobuf.CodedOutputStream;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A DiscoveryResponse or DeltaDiscoveryResponse as the byte chunks of its encoding: the resources'
 * fields were encoded once and are shared by every stream that sends them, so sending is copying
 * those chunks after a few bytes of header (version, type, nonce) of this stream's own. Protobuf
 * lets fields come in any order and parses concatenated fields as one message.
 */
final class WireResponse {
  /** Writes the chunks; the server never reads one. */
  static final MethodDescriptor.Marshaller<WireResponse> MARSHALLER = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(WireResponse value) {
      return new ChunkStream(value.chunks, value.length);
    }

    @Override
    public WireResponse parse(InputStream stream) {
      throw new UnsupportedOperationException("xDS responses are only sent");
    }
  };

  // DiscoveryResponse: version_info 1, resources 2, type_url 4, nonce 5.
  // DeltaDiscoveryResponse: system_version_info 1, resources 2, type_url 4, nonce 5, removed_resources 6.
  private static final int VERSION = 1;
  private static final int TYPE_URL = 4;
  private static final int NONCE = 5;
  private static final int REMOVED = 6;

  private final List<byte[]> chunks;
  private final int length;
  private final String typeUrl;
  private final String nonce;

  private WireResponse(List<byte[]> chunks, String typeUrl, String nonce) {
    this.chunks = chunks;
    int total = 0;
    for (byte[] chunk : chunks) {
      total += chunk.length;
    }
    this.length = total;
    this.typeUrl = typeUrl;
    this.nonce = nonce;
  }

  /** A state-of-the-world response carrying these encoded {@code resources} fields. */
  static WireResponse sotw(String version, String typeUrl, String nonce, List<byte[]> resourceFields) {
    List<byte[]> chunks = new ArrayList<>(resourceFields.size() + 2);
    chunks.add(concat(string(VERSION, version), string(TYPE_URL, typeUrl)));
    chunks.addAll(resourceFields);
    chunks.add(string(NONCE, nonce));
    return new WireResponse(chunks, typeUrl, nonce);
  }

  /** A response built as a message (a one-off debug answer, encoded for this stream only). */
  static WireResponse of(io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse response) {
    return new WireResponse(List.of(response.toByteArray()), response.getTypeUrl(), response.getNonce());
  }

  /** A Delta response carrying these encoded {@code resources} fields and removals. */
  static WireResponse delta(String systemVersion, String typeUrl, String nonce, List<byte[]> resourceFields,
      List<String> removed) {
    List<byte[]> chunks = new ArrayList<>(resourceFields.size() + removed.size() + 2);
    chunks.add(concat(string(VERSION, systemVersion), string(TYPE_URL, typeUrl)));
    chunks.addAll(resourceFields);
    for (String name : removed) {
      chunks.add(string(REMOVED, name));
    }
    chunks.add(string(NONCE, nonce));
    return new WireResponse(chunks, typeUrl, nonce);
  }

  String typeUrl() {
    return typeUrl;
  }

  String nonce() {
    return nonce;
  }

  /** Encoded size in bytes. */
  int length() {
    return length;
  }

  private static byte[] string(int field, String value) {
    if (value.isEmpty()) {
      return new byte[0];
    }
    byte[] bytes = new byte[CodedOutputStream.computeStringSize(field, value)];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      out.writeString(field, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = new byte[a.length + b.length];
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  /** The chunks as a stream gRPC can size and drain into its buffers without a copy of its own. */
  private static final class ChunkStream extends InputStream implements KnownLength, Drainable {
    private final List<byte[]> chunks;
    private int chunk;
    private int offset;
    private int remaining;

    ChunkStream(List<byte[]> chunks, int length) {
      this.chunks = chunks;
      this.remaining = length;
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      int written = 0;
      while (chunk < chunks.size()) {
        byte[] current = chunks.get(chunk);
        target.write(current, offset, current.length - offset);
        written += current.length - offset;
        chunk++;
        offset = 0;
      }
      remaining = 0;
      return written;
    }

    @Override
    public int available() {
      return remaining;
    }

    @Override
    public int read() {
      while (chunk < chunks.size()) {
        byte[] current = chunks.get(chunk);
        if (offset < current.length) {
          remaining--;
          return current[offset++] & 0xff;
        }
        chunk++;
        offset = 0;
      }
      return -1;
    }

    @Override
    public int read(byte[] buffer, int start, int count) {
      if (count == 0) {
        return 0;
      }
      int read = 0;
      while (read < count && chunk < chunks.size()) {
        byte[] current = chunks.get(chunk);
        int n = Math.min(count - read, current.length - offset);
        System.arraycopy(current, offset, buffer, start + read, n);
        read += n;
        offset += n;
        if (offset == current.length) {
          chunk++;
          offset = 0;
        }
      }
      remaining -= read;
      return read == 0 ? -1 : read;
    }
  }
}
