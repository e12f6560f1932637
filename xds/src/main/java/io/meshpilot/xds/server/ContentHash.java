package io.meshpilot.xds.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Content-derived versions: a shortened SHA-256, so the same content has the same version in every
 * JVM and replica (protobuf's {@code hashCode()} does not). Unchanged content therefore never
 * looks new and is never re-sent.
 */
final class ContentHash {
  private static final int HEX_CHARS = 16;

  private ContentHash() {}

  /** The version of one resource: its type and deterministic bytes. */
  static String of(String typeUrl, byte[] bytes) {
    MessageDigest digest = sha256();
    digest.update(typeUrl.getBytes(StandardCharsets.UTF_8));
    digest.update(bytes);
    return shorten(digest.digest());
  }

  /** Accumulates name/version pairs (in a fixed order) into the version of a set. */
  static final class SetHash {
    private final MessageDigest digest = sha256();

    SetHash add(String name, String version) {
      digest.update(name.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(version.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      return this;
    }

    String value() {
      return shorten(digest.digest());
    }
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
