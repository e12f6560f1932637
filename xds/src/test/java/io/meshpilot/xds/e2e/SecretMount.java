package io.meshpilot.xds.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A directory laid out as the kubelet mounts a Secret: the files live in a timestamped directory,
 * {@code ..data} links to it, and each visible name links through {@code ..data}. An update writes
 * a new timestamped directory and swaps {@code ..data} with one rename, as the kubelet does, so a
 * reader never sees a half-updated set.
 */
public final class SecretMount {
  private static final AtomicInteger GENERATION = new AtomicInteger();
  private final Path dir;

  private SecretMount(Path dir) {
    this.dir = dir;
  }

  /** Creates the mount in {@code dir} with {@code files} (name → content). */
  public static SecretMount create(Path dir, Map<String, String> files) {
    SecretMount mount = new SecretMount(dir);
    try {
      Files.createDirectories(dir);
      mount.update(files);
      for (String name : files.keySet()) {
        Files.createSymbolicLink(dir.resolve(name), Path.of("..data", name));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return mount;
  }

  /** The visible path of a file. */
  public Path file(String name) {
    return dir.resolve(name);
  }

  /** Replaces every file at once by swapping {@code ..data}. */
  public void update(Map<String, String> files) {
    try {
      Path data = dir.resolve("..data");
      Path old = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
      Path next = dir.resolve("..generation_" + GENERATION.incrementAndGet());
      Files.createDirectory(next);
      for (Map.Entry<String, String> file : files.entrySet()) {
        Files.writeString(next.resolve(file.getKey()), file.getValue());
      }
      Path tmp = dir.resolve("..data_tmp");
      Files.deleteIfExists(tmp);
      Files.createSymbolicLink(tmp, next.getFileName());
      Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      if (old != null) {
        EnvoyProcess.deleteRecursively(old);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
