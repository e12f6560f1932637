package io.meshpilot.registry.file;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch service over a config tree's directories. A thread of its own takes the service's events
 * and queues them; the reload thread registers the directories of each listing and takes the queued
 * events as the paths they name, so an event is read against the listing it was registered by.
 */
final class DirectoryWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DirectoryWatch.class);

  private final WatchService service;
  private final Runnable onEvents;
  // Touched by the reload thread only: the directory each key was registered for by the last
  // listing, and whether each of that listing's directories could be registered.
  private Map<WatchKey, Path> directories = Map.of();
  private boolean watchesAll;
  // Handed from the watch thread to the reload thread.
  private final List<Queued> queued = new ArrayList<>();
  private boolean lost; // guarded by queued
  private Thread thread;

  /**
   * A watch whose thread calls {@code onEvents} after it has queued events.
   *
   * @throws IOException when the file system has no watch service
   */
  DirectoryWatch(Runnable onEvents) throws IOException {
    this.service = FileSystems.getDefault().newWatchService();
    this.onEvents = onEvents;
  }

  /**
   * What changed since the last {@link #take}: the paths the events named, unless only a new listing
   * can tell.
   *
   * @param paths each event's directory with the entry it named, in order, without repeats
   * @param listAgain the service lost events (it overflowed), a watched directory is gone, or events
   *     came for a directory the last listing did not register (one registered by an earlier listing)
   */
  record Changes(Set<Path> paths, boolean listAgain) {}

  private record Queued(WatchKey key, Path name) {}

  void start() {
    thread = new Thread(this::run, "file-source-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (true) {
        WatchKey key = service.take();
        List<WatchEvent<?>> events = key.pollEvents();
        boolean stillWatched = key.reset();
        synchronized (queued) {
          for (WatchEvent<?> event : events) {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
              lost = true;
            } else {
              queued.add(new Queued(key, (Path) event.context()));
            }
          }
          // A watched directory is gone (or no longer listed): what it held is only known from a listing.
          lost |= !stillWatched;
        }
        onEvents.run();
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Watches exactly the directories of a new listing; directories an earlier listing had and this one
   * has not (renamed into a hidden name, say) are no longer watched. Runs on the reload thread.
   *
   * @return whether a directory not watched before is watched now: files it gained after it was
   *     listed and before it was watched sent no events
   */
  boolean watchOnly(List<Path> listed) {
    Map<WatchKey, Path> next = new HashMap<>();
    watchesAll = true;
    for (Path path : listed) {
      try {
        // A directory already watched keeps its key; a key stands for the directory, not its path.
        next.put(path.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
            StandardWatchEventKinds.ENTRY_MODIFY), path);
      } catch (IOException | ClosedWatchServiceException e) {
        log.warn("cannot watch {}: {}", path, e.getMessage());
        watchesAll = false;
      }
    }
    directories.keySet().stream().filter(key -> !next.containsKey(key)).forEach(WatchKey::cancel);
    boolean added = !directories.keySet().containsAll(next.keySet());
    directories = next;
    return added;
  }

  /**
   * Whether every directory of the last listing is watched: else changes in one that is not are
   * seen only when something else changes and the tree is listed again.
   */
  boolean watchesAll() {
    return watchesAll;
  }

  /** Takes the events queued since the last call. Runs on the reload thread. */
  Changes take() {
    List<Queued> events;
    boolean listAgain;
    synchronized (queued) {
      events = List.copyOf(queued);
      queued.clear();
      listAgain = lost;
      lost = false;
    }
    Set<Path> paths = new LinkedHashSet<>();
    for (Queued event : events) {
      Path directory = directories.get(event.key());
      if (directory == null) {
        listAgain = true;
      } else {
        paths.add(directory.resolve(event.name()));
      }
    }
    return new Changes(paths, listAgain);
  }

  @Override
  public void close() {
    try {
      service.close();
    } catch (IOException e) {
      log.debug("closing a watch service: {}", e.getMessage());
    }
  }
}
