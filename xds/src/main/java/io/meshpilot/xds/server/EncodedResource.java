package io.meshpilot.xds.server;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One resource as it goes on the wire: its name, the generated message, its {@code Any} bytes and
 * its content version. A message instance is encoded and hashed once (the cache is keyed by
 * identity); every stream that receives it shares the same bytes.
 *
 * @param name the xDS resource name
 * @param message the generated resource (for config dumps and debug views)
 * @param any the message packed with protobuf's deterministic serialization
 * @param version a content hash of {@code any}, equal in every JVM and replica
 */
public record EncodedResource(String name, Message message, Any any, String version) {
  // Generators hand out shared instances, so this is a cache of what is currently served.
  private static final Cache<Message, EncodedResource> BY_INSTANCE =
      CacheBuilder.newBuilder().weakKeys().build();

  /** The encoding of this message instance, computed on first use. */
  public static EncodedResource of(Message message) {
    EncodedResource cached = BY_INSTANCE.getIfPresent(message);
    if (cached != null) {
      return cached;
    }
    byte[] bytes = deterministicBytes(message);
    String typeUrl = "type.googleapis.com/" + message.getDescriptorForType().getFullName();
    Any any = Any.newBuilder().setTypeUrl(typeUrl).setValue(ByteString.copyFrom(bytes)).build();
    EncodedResource encoded = new EncodedResource(Resources.getResourceName(message), message, any,
        ContentHash.of(typeUrl, bytes));
    BY_INSTANCE.put(message, encoded);
    return encoded;
  }

  /** Serialized size of the resource ({@code pilot_xds_config_size_bytes}). */
  public long size() {
    return any.getValue().size();
  }

  private static byte[] deterministicBytes(Message message) {
    byte[] bytes = new byte[message.getSerializedSize()];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.useDeterministicSerialization();
    try {
      message.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.checkNoSpaceLeft();
    return bytes;
  }
}
