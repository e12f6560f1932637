package io.meshpilot.registry.file;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.ObjectSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
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
 *
 * <p>Events that name only config files (an edit, a new file, a deletion, a file moved into place
 * from a hidden temporary one) re-read just those files; anything that may change the tree's shape
 * (a directory, a link, a ConfigMap mount's data swap, lost events) lists and re-reads it all.
 */
public final class FileSource implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FileSource.class);
  /**
   * How long after an event the files are read: long enough to take in an editor's save sequence
   * (write a temporary file, rename it into place) or a burst of files in one read, short beside the
   * push scheduler's own debounce. Reading one file costs far less than the wait.
   */
  private static final long DEBOUNCE_MILLIS = 10;
  private static final long RETRY_MILLIS = 2_000;

  private final Path dir;
  private final ObjectSink sink;
  private final ConfigTree.Lister lister;
  private final ConfigFileReader reader;
  private final String sourceName;
  private final ScheduledExecutorService executor;
  private final AtomicBoolean reloadDue = new AtomicBoolean();
  // The state below is touched by the reload thread only.
  private ConfigTree tree; // the last complete listing; null while none can be trusted
  private final Map<Path, ConfigFile> files = new HashMap<>();
  private Set<ObjectKey> reported = new HashSet<>();
  private String listingFailure;
  private Map<ObjectKey, Delivered> delivered = new LinkedHashMap<>();
  private DirectoryWatch watch;

  public FileSource(Path dir, ObjectSink sink) {
    this(dir, sink, ConfigTree::list, Files::readAllBytes);
  }

  /**
   * A source whose directory listings come from {@code lister}, so a listing that fails part way (a
   * directory vanishing mid-walk, which the real file system does only by chance) can be staged, and
   * whose files' bytes come from {@code bytes}, so which files a change reads can be seen.
   */
  FileSource(Path dir, ObjectSink sink, ConfigTree.Lister lister, ConfigFileReader.Bytes bytes) {
    this.dir = dir.toAbsolutePath().normalize();
    this.sink = sink;
    this.lister = lister;
    this.reader = new ConfigFileReader(this.dir, bytes);
    this.sourceName = "file:" + this.dir;
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "file-source-reload");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * An object as delivered, with the file it came from.
   *
   * @param alsoElsewhere whether another file defines it too (the later file by path wins)
   */
  private record Delivered(HasMetadata object, Path file, boolean alsoElsewhere) {}

  /** Loads the directory once (synchronously), then watches it for changes. */
  public void start() throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("config dir " + dir + " is not a directory");
    }
    sink.sourceStarted(sourceName);
    watch = new DirectoryWatch(() -> scheduleReload(DEBOUNCE_MILLIS));
    runOnExecutor(this::reload);
    sink.sourceSynced(sourceName);
    watch.start();
  }

  /** The source name used with the sink: {@code file:<absolute dir>}. */
  public String name() {
    return sourceName;
  }

  private void scheduleReload(long delayMillis) {
    // A reload that has not started yet will see this change too; one already reading might not,
    // so it gets a successor.
    if (reloadDue.compareAndSet(false, true)) {
      try {
        executor.schedule(() -> {
          reloadDue.set(false);
          reloadChanges();
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

  /** Re-reads what the events since the last reload changed: the files they name, or everything. */
  private void reloadChanges() {
    DirectoryWatch.Changes changes = watch.take();
    try {
      Optional<SortedSet<Path>> changed = listingFailure == null && tree != null && tree.linkFree() && watch.watchesAll()
          ? ChangedFiles.in(changes, Set.copyOf(tree.directories()), files.keySet())
          : Optional.empty();
      if (changed.isEmpty() || !reloadFiles(changed.get())) {
        reload();
      }
    } catch (RuntimeException e) {
      // A bug, not bad input: what the files hold is no longer known for sure, so list them next time.
      tree = null;
      log.error("config dir {}: reload failed; the next change re-reads every file", dir, e);
    }
  }

  /** Re-reads every file and delivers what changed since the last reload. Runs on the executor. */
  void reload() {
    ConfigTree listed;
    try {
      // A directory new to the watch may have gained files after it was listed and before it was
      // watched, which no event will tell: list until a listing finds no such directory.
      do {
        listed = lister.list(dir);
      } while (watch.watchOnly(listed.directories()));
    } catch (ConfigTree.UnlistableException e) {
      keepLastState(e.getMessage());
      return;
    }
    listingFailure = null;
    tree = listed;
    Map<Path, ConfigFile> read = new LinkedHashMap<>();
    for (Path file : listed.yamlFiles()) {
      read.put(file, reader.read(file, files.getOrDefault(file, ConfigFile.NEW)));
    }
    reportAll(read.values());
    Set<ObjectKey> reportedNow = reportKeys(read.values());
    files.clear();
    files.putAll(read);
    for (ObjectKey fixed : reported) {
      if (!reportedNow.contains(fixed)) {
        sink.clearInvalid(fixed);
      }
    }
    reported = reportedNow;
    Map<ObjectKey, Delivered> next = new LinkedHashMap<>();
    read.forEach((file, content) -> content.objects().forEach((key, object) -> {
      Delivered earlier = next.get(key);
      if (earlier != null) {
        log.warn("{} is defined in both {} and {}; using {}", key, dir.relativize(earlier.file()), dir.relativize(file),
            dir.relativize(file));
      }
      next.put(key, new Delivered(object, file, earlier != null));
    }));
    deliver(List.copyOf(delivered.keySet()), next);
    delivered = next; // in listing order, as the next full reload compares it
  }

  /**
   * Re-reads only {@code changed} (each there now or deleted) and delivers what changed in them,
   * as {@link #reload} would. Returns false, having delivered and kept nothing, when an object the
   * files held or hold is defined in another file too: which definition wins is left to a full
   * reload, which also says so.
   */
  private boolean reloadFiles(SortedSet<Path> changed) {
    Map<Path, ConfigFile> read = new LinkedHashMap<>();
    Set<Path> gone = new HashSet<>();
    for (Path file : changed) {
      if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        read.put(file, reader.read(file, files.getOrDefault(file, ConfigFile.NEW)));
      } else {
        read.put(file, ConfigFile.NEW); // deleted (or no longer a regular file, which a listing skips)
        gone.add(file);
      }
    }
    Map<ObjectKey, Delivered> next = new LinkedHashMap<>();
    for (Map.Entry<Path, ConfigFile> entry : read.entrySet()) {
      for (Map.Entry<ObjectKey, HasMetadata> object : entry.getValue().objects().entrySet()) {
        if (next.put(object.getKey(), new Delivered(object.getValue(), entry.getKey(), false)) != null) {
          return false;
        }
      }
    }
    Set<ObjectKey> held = new LinkedHashSet<>();
    Set<ObjectKey> reportedBefore = new HashSet<>();
    for (Path file : read.keySet()) {
      ConfigFile before = files.getOrDefault(file, ConfigFile.NEW);
      held.addAll(before.objects().keySet());
      before.reports().forEach(report -> reportedBefore.add(report.key()));
    }
    for (ObjectKey key : union(held, next.keySet())) {
      Delivered before = delivered.get(key);
      if (before != null && (before.alsoElsewhere() || !read.containsKey(before.file()))) {
        return false;
      }
    }
    Set<ObjectKey> reportedNow = reportKeys(read.values());
    if (reportedByOtherFiles(union(reportedBefore, reportedNow), read.keySet())) {
      return false; // which report shows depends on the order of files: as for objects
    }
    reportAll(read.values());
    files.putAll(read);
    files.keySet().removeAll(gone);
    reportedBefore.removeAll(reportedNow);
    for (ObjectKey fixed : reportedBefore) {
      sink.clearInvalid(fixed);
    }
    reported.removeAll(reportedBefore);
    reported.addAll(reportedNow);
    deliver(held, next);
    return true;
  }

  private boolean reportedByOtherFiles(Set<ObjectKey> keys, Set<Path> changed) {
    if (keys.isEmpty()) {
      return false;
    }
    return files.entrySet().stream().filter(entry -> !changed.contains(entry.getKey()))
        .flatMap(entry -> entry.getValue().reports().stream())
        .anyMatch(report -> keys.contains(report.key()));
  }

  /**
   * Delivers {@code next} in place of the objects {@code replaced} names: deletes what it lacks,
   * upserts what is new or differs, and logs the change.
   */
  private void deliver(Collection<ObjectKey> replaced, Map<ObjectKey, Delivered> next) {
    int deletes = 0;
    for (ObjectKey key : replaced) {
      Delivered dropped = next.containsKey(key) ? null : delivered.get(key);
      if (dropped != null) {
        sink.delete(sourceName, dropped.object());
        delivered.remove(key);
        deletes++;
      }
    }
    int upserts = 0;
    for (Map.Entry<ObjectKey, Delivered> entry : next.entrySet()) {
      Delivered before = delivered.get(entry.getKey());
      if (before == null || !Objects.equals(before.object(), entry.getValue().object())) {
        sink.upsert(sourceName, entry.getValue().object());
        upserts++;
      }
      delivered.put(entry.getKey(), entry.getValue()); // after the sink took it: delivered says what it holds
    }
    if (upserts + deletes > 0) {
      log.info("config dir {}: {} objects, {} added or changed, {} removed", dir, delivered.size(), upserts, deletes);
    }
  }

  private static Set<ObjectKey> union(Set<ObjectKey> a, Set<ObjectKey> b) {
    Set<ObjectKey> union = new LinkedHashSet<>(a);
    union.addAll(b);
    return union;
  }

  private static Set<ObjectKey> reportKeys(Collection<ConfigFile> read) {
    Set<ObjectKey> keys = new HashSet<>();
    read.forEach(file -> file.reports().forEach(report -> keys.add(report.key())));
    return keys;
  }

  /** Reports what each file's reading found; a file read again with the same text is reported again. */
  private void reportAll(Collection<ConfigFile> read) {
    read.forEach(file -> file.reports().forEach(report -> sink.reportInvalid(sourceName, report.key(), report.reason())));
  }

  /**
   * A listing that failed part way says nothing about what was removed: deliver nothing, keep every
   * object and every earlier report, and say so once. The next change lists again.
   */
  private void keepLastState(String reason) {
    reported.add(directoryKey());
    if (!reason.equals(listingFailure)) { // one log line and one count per failure, not per retry
      listingFailure = reason;
      sink.reportInvalid(sourceName, directoryKey(),
          "cannot list " + reason + "; keeping the last good " + delivered.size() + " objects");
    }
    // A directory gone for good sends no more events (its watch went with it), so look again.
    scheduleReload(RETRY_MILLIS);
  }

  private ObjectKey directoryKey() {
    return new ObjectKey("Directory", "", dir.toString());
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
    executor.shutdownNow();
  }
}
