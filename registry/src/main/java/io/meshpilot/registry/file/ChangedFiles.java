package io.meshpilot.registry.file;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which config files a batch of watch events changed, when the events alone can tell; otherwise the
 * tree must be listed again. The events tell when each names a regular {@code *.yaml} / {@code *.yml}
 * file (there now, or listed before and gone), a hidden entry that is not a ConfigMap mount's
 * {@code ..data} or {@code ..<timestamp>} (never walked, and in a tree without links nothing visible
 * leads into it), or a file the tree does not read. Of a directory created, removed or changed, a
 * symbolic link, a file with several names (hard links: an edit through one name changes the others
 * without an event) or an entry that cannot be looked at, only a listing tells what it changed.
 */
final class ChangedFiles {
  private static final boolean HAS_LINK_COUNTS = FileSystems.getDefault().supportedFileAttributeViews().contains("unix");

  private ChangedFiles() {}

  /**
   * The files to read again or drop, sorted as a listing sorts them, or empty when only a new listing
   * can tell what changed.
   *
   * @param changes what the watch saw
   * @param directories the directories of the last listing
   * @param files the files read since the last listing
   */
  static Optional<SortedSet<Path>> in(DirectoryWatch.Changes changes, Set<Path> directories, Set<Path> files) {
    if (changes.listAgain()) {
      return Optional.empty();
    }
    SortedSet<Path> changed = new TreeSet<>();
    for (Path path : changes.paths()) {
      Path name = path.getFileName();
      if (name.toString().startsWith("..")) {
        return Optional.empty(); // a ConfigMap mount swapped its data: every file linked into it may differ
      }
      if (ConfigTree.hiddenName(name)) {
        continue; // an editor's or writer's temporary file
      }
      if (directories.contains(path)) {
        return Optional.empty();
      }
      BasicFileAttributes attributes;
      try {
        attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        if (files.contains(path)) {
          changed.add(path); // deleted
        }
        continue; // else never read, and gone
      } catch (IOException e) {
        return Optional.empty();
      }
      if (attributes.isDirectory() || attributes.isSymbolicLink()) {
        return Optional.empty();
      }
      if (attributes.isRegularFile() && ConfigTree.yamlName(name)) {
        if (linkCount(path) != 1) {
          return Optional.empty();
        }
        changed.add(path);
      }
    }
    return Optional.of(changed);
  }

  /** How many names the file has; 1 where the file system does not count them (it has no hard links). */
  private static int linkCount(Path file) {
    if (!HAS_LINK_COUNTS) {
      return 1;
    }
    try {
      return (Integer) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return 0; // gone again: a listing will tell
    }
  }
}
