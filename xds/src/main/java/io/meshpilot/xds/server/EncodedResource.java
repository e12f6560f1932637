package io.meshpilot.xds.server;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One resource as it goes on the wire: its name, the generated message, its {@code Any} bytes and
 * its content version. A message instance is encoded and hashed once (the cache is keyed by
 * identity), and so are the response fields that carry it; every stream that receives it shares
 * the same bytes.
 */
public final class EncodedResource {
  // Generators hand out shared instances, so this is a cache of what is currently served.
  private static final Cache<Message, EncodedResource> BY_INSTANCE =
      CacheBuilder.newBuilder().weakKeys().build();
  // Field 2 of both DiscoveryResponse (Any resources) and DeltaDiscoveryResponse (Resource resources).
  private static final int RESOURCES_FIELD = 2;

  private final String name;
  private final Message message;
  private final Any any;
  private final String version;
  private volatile byte[] sotwField;
  private volatile byte[] deltaField;

  private EncodedResource(String name, Message message, Any any, String version) {
    this.name = name;
    this.message = message;
    this.any = any;
    this.version = version;
  }

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

  /** The xDS resource name. */
  public String name() {
    return name;
  }

  /** The generated resource (for config dumps and debug views). */
  public Message message() {
    return message;
  }

  /** The message packed with protobuf's deterministic serialization. */
  public Any any() {
    return any;
  }

  /** A content hash of {@link #any}, equal in every JVM and replica. */
  public String version() {
    return version;
  }

  /** Serialized size of the resource ({@code pilot_xds_config_size_bytes}). */
  public long size() {
    return any.getValue().size();
  }

  /** This resource as one {@code resources} entry of a DiscoveryResponse, encoded. */
  byte[] sotwField() {
    byte[] field = sotwField;
    if (field == null) {
      field = lengthDelimited(RESOURCES_FIELD, any);
      sotwField = field;
    }
    return field;
  }

  /** This resource as one {@code resources} entry (a Resource with name and version) of a DeltaDiscoveryResponse. */
  byte[] deltaField() {
    byte[] field = deltaField;
    if (field == null) {
      field = lengthDelimited(RESOURCES_FIELD,
          Resource.newBuilder().setName(name).setVersion(version).setResource(any).build());
      deltaField = field;
    }
    return field;
  }

  @Override
  public String toString() {
    return "EncodedResource[" + name + "@" + version + "]";
  }

  private static byte[] lengthDelimited(int field, Message value) {
    int size = value.getSerializedSize();
    byte[] bytes = new byte[CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(size)
        + size];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      out.writeMessage(field, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.checkNoSpaceLeft();
    return bytes;
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
