package io.meshpilot.registry.file;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.meshpilot.registry.InvalidObjectException;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.ObjectSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file registry: every {@code *.yaml} / {@code *.yml} under a directory (hidden entries such as a
 * ConfigMap mount's {@code ..data} skipped), read as Kubernetes objects and delivered to an
 * {@link ObjectSink}, then re-read whenever the directory changes. Only differences are delivered.
 * A file with a syntax error keeps its last good objects; a bad document loses only itself.
 */
public final class FileSource implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FileSource.class);
  private static final long DEBOUNCE_MILLIS = 50;

  private final Path dir;
  private final ObjectSink sink;
  private final String sourceName;
  private final ScheduledExecutorService executor;
  private final Map<Path, Map<ObjectKey, HasMetadata>> lastGoodByFile = new HashMap<>();
  private Set<ObjectKey> reported = Set.of();
  private Set<ObjectKey> reportedThisReload = new HashSet<>();
  private Map<ObjectKey, HasMetadata> delivered = Map.of();
  private WatchService watcher;
  private Thread watchThread;
  private ScheduledFuture<?> pendingReload;

  public FileSource(Path dir, ObjectSink sink) {
    this.dir = dir.toAbsolutePath().normalize();
    this.sink = sink;
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
    registerDirectories();
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

  private synchronized void scheduleReload() {
    if (pendingReload != null && !pendingReload.isDone()) {
      return; // a reload is already due and will see this change too
    }
    pendingReload = executor.schedule(() -> {
      registerDirectories();
      reload();
    }, DEBOUNCE_MILLIS, TimeUnit.MILLISECONDS);
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

  private void registerDirectories() {
    try (Stream<Path> paths = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
      for (Path path : paths.filter(Files::isDirectory).filter(p -> !hidden(p)).toList()) {
        path.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
            StandardWatchEventKinds.ENTRY_MODIFY);
      }
    } catch (IOException | UncheckedIOException e) {
      log.warn("cannot watch {}: {}", dir, e.getMessage());
    }
  }

  /** Re-reads every file and delivers what changed since the last reload. Runs on the executor. */
  void reload() {
    reportedThisReload = new HashSet<>();
    Map<Path, Map<ObjectKey, HasMetadata>> byFile = new LinkedHashMap<>();
    for (Path file : yamlFiles()) {
      byFile.put(file, readFile(file));
    }
    lastGoodByFile.keySet().retainAll(byFile.keySet());
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

  private Map<ObjectKey, HasMetadata> readFile(Path file) {
    Map<ObjectKey, HasMetadata> previous = lastGoodByFile.getOrDefault(file, Map.of());
    String relative = dir.relativize(file).toString();
    List<YamlDocuments.Document> documents;
    try {
      documents = YamlDocuments.parse(relative, Files.readString(file, StandardCharsets.UTF_8));
    } catch (InvalidObjectException e) {
      report(fileKey(file), relative + ": " + e.getMessage()
          + (previous.isEmpty() ? "" : "; keeping its last good " + previous.size() + " objects"));
      return previous;
    } catch (IOException e) {
      report(fileKey(file), relative + ": cannot read: " + e.getMessage());
      return previous;
    }
    Map<ObjectKey, HasMetadata> objects = new LinkedHashMap<>();
    for (YamlDocuments.Document document : documents) {
      if (document.ok()) {
        objects.put(document.key(), document.object());
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

  private void report(ObjectKey key, String reason) {
    reportedThisReload.add(key);
    sink.reportInvalid(sourceName, key, reason);
  }

  private ObjectKey fileKey(Path file) {
    return new ObjectKey("File", "", dir.relativize(file).toString());
  }

  private List<Path> yamlFiles() {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> paths = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
      paths.filter(p -> !hidden(p))
          .filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().endsWith(".yaml") || p.getFileName().toString().endsWith(".yml"))
          .sorted()
          .forEach(files::add);
    } catch (IOException | UncheckedIOException e) {
      log.warn("cannot list {}: {}", dir, e.getMessage());
    }
    return files;
  }

  private boolean hidden(Path path) {
    Path relative = dir.relativize(path);
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
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
