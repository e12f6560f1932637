package io.meshpilot.xds.server;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;

/**
 * Content-derived versions: a shortened SHA-256 over protobuf's deterministic serialization, so the
 * same content has the same version in every JVM and replica (protobuf's {@code hashCode()} does
 * not). Unchanged content therefore never looks new and is never re-sent.
 */
final class ContentHash {
  private static final int HEX_CHARS = 16;

  // Generators share message instances across proxies, so hash each instance once (identity keys).
  private static final Cache<Message, String> BY_INSTANCE =
      CacheBuilder.newBuilder().weakKeys().maximumSize(200_000).build();

  private ContentHash() {}

  /** The version of one resource. */
  static String of(Message message) {
    String cached = BY_INSTANCE.getIfPresent(message);
    if (cached != null) {
      return cached;
    }
    MessageDigest digest = sha256();
    digest.update(message.getDescriptorForType().getFullName().getBytes(StandardCharsets.UTF_8));
    digest.update(deterministicBytes(message));
    String hash = shorten(digest.digest());
    BY_INSTANCE.put(message, hash);
    return hash;
  }

  /** The version of a set of resources, given name → resource version. */
  static String ofSet(SortedMap<String, String> versionsByName) {
    MessageDigest digest = sha256();
    for (Map.Entry<String, String> entry : versionsByName.entrySet()) {
      digest.update(entry.getKey().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(entry.getValue().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
    }
    return shorten(digest.digest());
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

  private static String shorten(byte[] digest) {
    return HexFormat.of().formatHex(digest).substring(0, HEX_CHARS);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }
}
