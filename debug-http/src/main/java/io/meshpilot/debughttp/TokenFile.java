package io.meshpilot.debughttp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The static bearer tokens accepted on {@code /debug/*}: one per line, {@code token} (full access) or
 * {@code token namespace} (that namespace only); blank lines and {@code #} comments are skipped. The
 * file is re-read whenever its modification time or size changes, so tokens can be rotated live.
 */
final class TokenFile {
  private static final Logger LOG = LoggerFactory.getLogger(TokenFile.class);

  /** One accepted token, and the namespace it is limited to (empty for full access). */
  record Entry(String token, Optional<String> namespace) {}

  private record Loaded(FileTime modified, long size, List<Entry> entries) {}

  private final Path path;
  private Loaded loaded = new Loaded(FileTime.fromMillis(Long.MIN_VALUE), -1, List.of());

  TokenFile(Path path) {
    this.path = Objects.requireNonNull(path, "path");
  }

  /** The entry for this token, if the file (as it is now) lists it. */
  Optional<Entry> find(String token) {
    byte[] presented = token.getBytes(StandardCharsets.UTF_8);
    for (Entry entry : entries()) {
      // constant time per comparison, so response timing does not reveal a token's prefix
      if (MessageDigest.isEqual(presented, entry.token().getBytes(StandardCharsets.UTF_8))) {
        return Optional.of(entry);
      }
    }
    return Optional.empty();
  }

  private synchronized List<Entry> entries() {
    try {
      FileTime modified = Files.getLastModifiedTime(path);
      long size = Files.size(path);
      if (!modified.equals(loaded.modified()) || size != loaded.size()) {
        loaded = new Loaded(modified, size, parse(Files.readAllLines(path, StandardCharsets.UTF_8)));
        LOG.info("debug token file {} loaded: {} tokens", path, loaded.entries().size());
      }
    } catch (IOException e) {
      if (!loaded.entries().isEmpty() || loaded.size() != -2) {
        LOG.warn("debug token file {} unreadable, refusing every token: {}", path, e.toString());
      }
      loaded = new Loaded(FileTime.fromMillis(Long.MIN_VALUE), -2, List.of());
    }
    return loaded.entries();
  }

  static List<Entry> parse(List<String> lines) {
    List<Entry> entries = new ArrayList<>();
    for (String line : lines) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      String[] fields = trimmed.split("\\s+");
      entries.add(new Entry(fields[0], fields.length > 1 ? Optional.of(fields[1]) : Optional.empty()));
    }
    return List.copyOf(entries);
  }
}
