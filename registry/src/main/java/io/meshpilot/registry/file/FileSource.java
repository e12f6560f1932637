package io.meshpilot.registry.file;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.meshpilot.registry.InvalidObjectException;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.ObjectSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file registry: every {@code *.yaml} / {@code *.yml} under a directory (hidden entries such as a
 * ConfigMap mount's {@code ..data} skipped), read as Kubernetes objects and delivered to an
 * {@link ObjectSink}, then re-read whenever the directory changes. Only differences are delivered.
 * A file with a syntax error, or cut short, keeps its last good objects; a bad document loses only
 * itself. When the directory cannot be listed completely (a link it cannot follow, a directory that
 * vanishes while walked, no permission) nothing is delivered: the last good state stays and the
 * directory is reported like an invalid object until a listing succeeds.
 */
public final class FileSource implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FileSource.class);
  private static final long DEBOUNCE_MILLIS = 50;
  private static final long RETRY_MILLIS = 2_000;

  private final Path dir;
  private final ObjectSink sink;
  private final ConfigTree.Lister lister;
  private final String sourceName;
  private final ScheduledExecutorService executor;
  private final Map<Path, Map<ObjectKey, HasMetadata>> lastGoodByFile = new HashMap<>();
  private final Map<Path, Parsed> parsed = new HashMap<>();
  // While a file is parsed: what is reported for it, kept with its text.
  private List<Map.Entry<ObjectKey, String>> fileReports;
  private final AtomicBoolean reloadDue = new AtomicBoolean();
  private Set<ObjectKey> reported = Set.of();
  private String listingFailure;
  private Set<ObjectKey> reportedThisReload = new HashSet<>();
  private Map<ObjectKey, HasMetadata> delivered = Map.of();
  private WatchService watcher;
  private Thread watchThread;

  public FileSource(Path dir, ObjectSink sink) {
    this(dir, sink, ConfigTree::list);
  }

  /**
   * A source whose directory listings come from {@code lister}, so a listing that fails part way (a
   * directory vanishing mid-walk, which the real file system does only by chance) can be staged.
   */
  FileSource(Path dir, ObjectSink sink, ConfigTree.Lister lister) {
    this.dir = dir.toAbsolutePath().normalize();
    this.sink = sink;
    this.lister = lister;
    this.sourceName = "file:" + this.dir;
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "file-source-reload");
      t.setDaemon(true);
      return t;
    });
  }

  /** Loads the directory once (synchronously), then watches it for changes. */
  public void start() throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("config dir " + dir + " is not a directory");
    }
    sink.sourceStarted(sourceName);
    watcher = FileSystems.getDefault().newWatchService();
    runOnExecutor(this::reload);
    sink.sourceSynced(sourceName);
    watchThread = new Thread(this::watchLoop, "file-source-watch");
    watchThread.setDaemon(true);
    watchThread.start();
  }

  /** The source name used with the sink: {@code file:<absolute dir>}. */
  public String name() {
    return sourceName;
  }

  private void watchLoop() {
    try {
      while (true) {
        WatchKey key = watcher.take();
        key.pollEvents();
        key.reset();
        scheduleReload();
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void scheduleReload() {
    scheduleReload(DEBOUNCE_MILLIS);
  }

  private void scheduleReload(long delayMillis) {
    // A reload that has not started yet will see this change too; one already reading might not,
    // so it gets a successor.
    if (reloadDue.compareAndSet(false, true)) {
      try {
        executor.schedule(() -> {
          reloadDue.set(false);
          reload();
        }, delayMillis, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closed
      }
    }
  }

  private void runOnExecutor(Runnable task) {
    try {
      executor.submit(task).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("initial load of " + dir + " failed", e.getCause());
    }
  }

  private void watch(List<Path> directories) {
    for (Path path : directories) {
      try {
        path.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
            StandardWatchEventKinds.ENTRY_MODIFY);
      } catch (IOException | ClosedWatchServiceException e) {
        log.warn("cannot watch {}: {}", path, e.getMessage());
      }
    }
  }

  /** Re-reads every file and delivers what changed since the last reload. Runs on the executor. */
  void reload() {
    ConfigTree tree;
    try {
      tree = lister.list(dir);
    } catch (ConfigTree.UnlistableException e) {
      keepLastState(e.getMessage());
      return;
    }
    listingFailure = null;
    watch(tree.directories());
    reportedThisReload = new HashSet<>();
    Map<Path, Map<ObjectKey, HasMetadata>> byFile = new LinkedHashMap<>();
    for (Path file : tree.yamlFiles()) {
      byFile.put(file, readFile(file));
    }
    lastGoodByFile.keySet().retainAll(byFile.keySet());
    parsed.keySet().retainAll(byFile.keySet());
    for (ObjectKey fixed : reported) {
      if (!reportedThisReload.contains(fixed)) {
        sink.clearInvalid(fixed);
      }
    }
    reported = reportedThisReload;
    Map<ObjectKey, HasMetadata> next = new LinkedHashMap<>();
    Map<ObjectKey, Path> origin = new HashMap<>();
    byFile.forEach((file, objects) -> objects.forEach((key, object) -> {
      Path earlier = origin.put(key, file);
      if (earlier != null) {
        log.warn("{} is defined in both {} and {}; using {}", key, dir.relativize(earlier), dir.relativize(file),
            dir.relativize(file));
      }
      next.put(key, object);
    }));
    int upserts = 0;
    int deletes = 0;
    for (Map.Entry<ObjectKey, HasMetadata> entry : delivered.entrySet()) {
      if (!next.containsKey(entry.getKey())) {
        sink.delete(sourceName, entry.getValue());
        deletes++;
      }
    }
    for (Map.Entry<ObjectKey, HasMetadata> entry : next.entrySet()) {
      if (!Objects.equals(delivered.get(entry.getKey()), entry.getValue())) {
        sink.upsert(sourceName, entry.getValue());
        upserts++;
      }
    }
    delivered = next;
    if (upserts + deletes > 0) {
      log.info("config dir {}: {} objects, {} added or changed, {} removed", dir, next.size(), upserts, deletes);
    }
  }

  /**
   * A listing that failed part way says nothing about what was removed: deliver nothing, keep every
   * object and every earlier report, and say so once. The next change lists again.
   */
  private void keepLastState(String reason) {
    reported = new HashSet<>(reported);
    reported.add(directoryKey());
    if (!reason.equals(listingFailure)) { // one log line and one count per failure, not per retry
      listingFailure = reason;
      sink.reportInvalid(sourceName, directoryKey(),
          "cannot list " + reason + "; keeping the last good " + delivered.size() + " objects");
    }
    // A directory gone for good sends no more events (its watch went with it), so look again.
    scheduleReload(RETRY_MILLIS);
  }

  /**
   * A file's objects; a file whose text is what it was at the last reload is not parsed again (a
   * directory of thousands of objects is re-read on every change), and what was reported for it
   * then is reported again.
   */
  private Map<ObjectKey, HasMetadata> readFile(Path file) {
    String text;
    try {
      text = readUtf8(file);
    } catch (IOException e) {
      parsed.remove(file);
      Map<ObjectKey, HasMetadata> previous = lastGoodByFile.getOrDefault(file, Map.of());
      report(fileKey(file), dir.relativize(file) + ": cannot read: " + e
          + (previous.isEmpty() ? "" : "; keeping its last good " + previous.size() + " objects"));
      return previous;
    }
    Parsed last = parsed.get(file);
    if (last != null && last.text().equals(text)) {
      last.reports().forEach(report -> report(report.getKey(), report.getValue()));
      return last.objects();
    }
    List<Map.Entry<ObjectKey, String>> reports = new ArrayList<>();
    fileReports = reports;
    try {
      Map<ObjectKey, HasMetadata> objects = parseFile(file, text);
      parsed.put(file, new Parsed(text, objects, List.copyOf(reports)));
      return objects;
    } finally {
      fileReports = null;
    }
  }

  /** A file's text at the last reload, what it yielded and what was reported for it. */
  private record Parsed(String text, Map<ObjectKey, HasMetadata> objects, List<Map.Entry<ObjectKey, String>> reports) {}

  private Map<ObjectKey, HasMetadata> parseFile(Path file, String text) {
    Map<ObjectKey, HasMetadata> previous = lastGoodByFile.getOrDefault(file, Map.of());
    String relative = dir.relativize(file).toString();
    String keeping = previous.isEmpty() ? "" : "; keeping its last good " + previous.size() + " objects";
    List<YamlDocuments.Document> documents;
    try {
      if (text.isEmpty() && !previous.isEmpty()) {
        // How a file looks between an editor's truncate and its write; deleting it removes its objects.
        report(fileKey(file), relative + ": empty, as if cut short while being written" + keeping
            + " (delete the file to remove them)");
        return previous;
      }
      documents = YamlDocuments.parse(relative, text);
    } catch (InvalidObjectException e) {
      report(fileKey(file), relative + ": " + e.getMessage() + keeping);
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
        report(fileKey(file), relative + ": " + document.error() + keeping);
        return previous;
      } else {
        report(document.key(), relative + ": " + document.error());
        HasMetadata lastGood = previous.get(document.key());
        if (lastGood != null) {
          objects.put(document.key(), lastGood);
        }
      }
    }
    lastGoodByFile.put(file, objects);
    return objects;
  }

  private static String readUtf8(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IOException("not UTF-8 text (cut short inside a character?)");
    }
  }

  private void report(ObjectKey key, String reason) {
    reportedThisReload.add(key);
    sink.reportInvalid(sourceName, key, reason);
    if (fileReports != null) {
      fileReports.add(Map.entry(key, reason));
    }
  }

  private ObjectKey fileKey(Path file) {
    return new ObjectKey("File", "", dir.relativize(file).toString());
  }

  private ObjectKey directoryKey() {
    return new ObjectKey("Directory", "", dir.toString());
  }

  @Override
  public void close() {
    try {
      if (watcher != null) {
        watcher.close();
      }
    } catch (IOException e) {
      log.debug("closing watcher of {}: {}", dir, e.getMessage());
    }
    executor.shutdownNow();
  }
}
