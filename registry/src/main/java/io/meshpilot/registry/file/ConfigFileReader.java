package io.meshpilot.registry.file;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.meshpilot.registry.InvalidObjectException;
import io.meshpilot.registry.ObjectKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one YAML file of a config tree against what it held before: a file whose text is unchanged
 * is not parsed again; a file with a syntax error, cut short or unreadable keeps its last good
 * objects; a bad document loses only itself. Touches nothing but the file, so a reading can be
 * discarded.
 */
final class ConfigFileReader {
  /** Where a file's bytes come from: {@link Files#readAllBytes} in production. */
  @FunctionalInterface
  interface Bytes {
    byte[] read(Path file) throws IOException;
  }

  private final Path root;
  private final Bytes bytes;

  ConfigFileReader(Path root, Bytes bytes) {
    this.root = root;
    this.bytes = bytes;
  }

  /** The key a whole file is reported under: {@code File <path relative to the root>}. */
  private ObjectKey fileKey(Path file) {
    return new ObjectKey("File", "", root.relativize(file).toString());
  }

  /** Reads {@code file}, which held {@code previous} ({@link ConfigFile#NEW} if never read). */
  ConfigFile read(Path file, ConfigFile previous) {
    String text;
    try {
      text = utf8(bytes.read(file));
    } catch (IOException e) {
      return new ConfigFile(null, previous.objects(), List.of(new ConfigFile.Report(fileKey(file),
          root.relativize(file) + ": cannot read: " + e + keeping(previous.objects()))));
    }
    if (text.equals(previous.text())) {
      return previous;
    }
    List<ConfigFile.Report> reports = new ArrayList<>();
    Map<ObjectKey, HasMetadata> objects = parse(file, text, previous.objects(), reports);
    return new ConfigFile(text, objects, reports);
  }

  private Map<ObjectKey, HasMetadata> parse(Path file, String text, Map<ObjectKey, HasMetadata> previous,
      List<ConfigFile.Report> reports) {
    String relative = root.relativize(file).toString();
    String keeping = keeping(previous);
    List<YamlDocuments.Document> documents;
    try {
      if (text.isEmpty() && !previous.isEmpty()) {
        // How a file looks between an editor's truncate and its write; deleting it removes its objects.
        reports.add(new ConfigFile.Report(fileKey(file), relative + ": empty, as if cut short while being written"
            + keeping + " (delete the file to remove them)"));
        return previous;
      }
      documents = YamlDocuments.parse(relative, text);
    } catch (InvalidObjectException e) {
      reports.add(new ConfigFile.Report(fileKey(file), relative + ": " + e.getMessage() + keeping));
      return previous;
    }
    Map<ObjectKey, HasMetadata> objects = new LinkedHashMap<>();
    for (YamlDocuments.Document document : documents) {
      if (document.ok()) {
        objects.put(document.key(), document.object());
      } else if (!document.identified()) {
        // A document without a kind or name (a file cut short inside its metadata looks so) may be
        // any of the file's objects: which ones are gone cannot be told, so the whole file keeps its
        // last good objects.
        reports.add(new ConfigFile.Report(fileKey(file), relative + ": " + document.error() + keeping));
        return previous;
      } else {
        reports.add(new ConfigFile.Report(document.key(), relative + ": " + document.error()));
        HasMetadata lastGood = previous.get(document.key());
        if (lastGood != null) {
          objects.put(document.key(), lastGood);
        }
      }
    }
    return objects;
  }

  private static String keeping(Map<ObjectKey, HasMetadata> previous) {
    return previous.isEmpty() ? "" : "; keeping its last good " + previous.size() + " objects";
  }

  private static String utf8(byte[] bytes) throws IOException {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IOException("not UTF-8 text (cut short inside a character?)");
    }
  }
}
