package io.meshpilot.registry.file;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One complete listing of a config directory: its YAML files and the directories to watch. Hidden
 * entries ({@code .}-prefixed, such as a ConfigMap mount's {@code ..data} and {@code ..2024_…}) are
 * skipped without being walked; symbolic links are followed, but each real directory and file is
 * visited once, so a link back into the tree ({@code ln -s . loop}) neither loops nor duplicates.
 *
 * @param yamlFiles the {@code *.yaml} / {@code *.yml} files, sorted by path
 * @param directories the directories holding them (the root first), for the watch service
 * @param linkFree whether the walk met no symbolic link outside hidden entries: then each file and
 *     directory is reached by the one path listed, so an event naming a file names all of it
 */
record ConfigTree(List<Path> yamlFiles, List<Path> directories, boolean linkFree) {
  private static final Logger log = LoggerFactory.getLogger(ConfigTree.class);

  ConfigTree {
    yamlFiles = List.copyOf(yamlFiles);
    directories = List.copyOf(directories);
  }

  /** How a tree is listed: {@link ConfigTree#list} in production. */
  @FunctionalInterface
  interface Lister {
    ConfigTree list(Path root) throws UnlistableException;
  }

  /** Thrown when any part of the tree cannot be listed; a partial listing is never returned. */
  static final class UnlistableException extends Exception {
    UnlistableException(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * Lists the tree under {@code root}.
   *
   * @throws UnlistableException when the root or a directory under it cannot be read, or vanishes
   *     while it is walked: the caller must not take the listing as the directory's content
   */
  static ConfigTree list(Path root) throws UnlistableException {
    Visitor visitor = new Visitor(root);
    try {
      Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, visitor);
    } catch (IOException | RuntimeException e) {
      throw new UnlistableException(describe(root, visitor.current, e));
    }
    visitor.files.sort(null);
    return new ConfigTree(visitor.files, visitor.directories, visitor.linkFree);
  }

  private static String describe(Path root, Path where, Exception e) {
    String place = where == null || where.equals(root) ? root.toString() : root.relativize(where).toString();
    String message = e.getMessage() == null || e.getMessage().equals(String.valueOf(where))
        ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + e.getMessage();
    return place + ": " + message;
  }

  /** Whether an entry of this name is read as config: {@code *.yaml} or {@code *.yml}. */
  static boolean yamlName(Path name) {
    String text = name.toString();
    return text.endsWith(".yaml") || text.endsWith(".yml");
  }

  /** Whether an entry of this name is skipped without being walked or read. */
  static boolean hiddenName(Path name) {
    return name.toString().startsWith(".");
  }

  private static boolean hidden(Path root, Path path) {
    return !path.equals(root) && hiddenName(path.getFileName());
  }

  private static final class Visitor extends SimpleFileVisitor<Path> {
    private final Path root;
    private final List<Path> files = new ArrayList<>();
    private final List<Path> directories = new ArrayList<>();
    // Real paths already visited: links can reach one directory or file along several paths.
    private final Set<Path> seen = new HashSet<>();
    private Path realRoot;
    private boolean linkFree = true;
    private Path current;

    Visitor(Path root) {
      this.root = root;
    }

    @Override
    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
      current = dir;
      if (hidden(root, dir)) {
        return FileVisitResult.SKIP_SUBTREE;
      }
      if (!seen.add(reached(dir, dir.toRealPath()))) {
        return FileVisitResult.SKIP_SUBTREE;
      }
      directories.add(dir);
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
      current = file;
      if (hidden(root, file)) {
        return FileVisitResult.CONTINUE;
      }
      // A dangling link is visited with the link's own attributes: not a regular file, skipped.
      if (attrs.isSymbolicLink()) {
        linkFree = false; // its target may appear later, under the link's name
      } else if (attrs.isRegularFile() && yamlName(file.getFileName()) && seen.add(reached(file, file.toRealPath()))) {
        files.add(file);
      }
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
      current = file;
      if (hidden(root, file)) {
        return FileVisitResult.CONTINUE; // never read, so its state does not matter
      }
      if (e instanceof FileSystemLoopException) {
        linkFree = false;
        log.debug("not following {}: it leads back to a directory already walked", file);
        return FileVisitResult.CONTINUE;
      }
      throw e;
    }

    /** {@code real}, noting whether {@code path} reached it through a link. */
    private Path reached(Path path, Path real) throws IOException {
      if (realRoot == null) {
        realRoot = root.toRealPath();
      }
      if (!real.equals(realRoot.resolve(root.relativize(path)))) {
        linkFree = false;
      }
      return real;
    }

    @Override
    public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
      if (e != null) {
        current = dir;
        throw e; // the directory's listing broke off part way: the listing is incomplete
      }
      return FileVisitResult.CONTINUE;
    }
  }
}
