package io.meshpilot.loadtest.measure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a server process costs, read from outside it: CPU seconds (utime + stime of
 * {@code /proc/<pid>/stat}), resident memory ({@code VmRSS} of {@code /proc/<pid>/status}) and, for
 * a JVM, the live heap after a full GC.
 */
public final class ProcessProbe {
  private static final Logger log = LoggerFactory.getLogger(ProcessProbe.class);
  private static final Duration JCMD_TIMEOUT = Duration.ofMinutes(5);

  private final long pid;
  private final long clockTicks;
  private final Path jcmd;

  /**
   * @param pid the server's process id
   * @param jcmd the JDK's jcmd, for the heap of a JVM server
   */
  public ProcessProbe(long pid, Path jcmd) {
    this.pid = pid;
    this.jcmd = jcmd;
    this.clockTicks = clockTicks();
  }

  public long pid() {
    return pid;
  }

  /** utime + stime so far, in seconds; empty if the process is gone. */
  public Optional<Double> cpuSeconds() {
    try {
      return Optional.of(parseCpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))) / (double) clockTicks);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Resident set size in bytes; empty if the process is gone. */
  public OptionalLong rssBytes() {
    try {
      return parseVmRss(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")));
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Live heap in bytes: the total of {@code jcmd <pid> GC.class_histogram}, which runs a full GC first
   * and then counts only reachable objects, whatever the collector. Empty if the process is not a
   * JVM this JDK can attach to.
   */
  public OptionalLong liveHeapBytes() {
    if (!advertisesJvm(pid)) {
      // jcmd attaches by sending SIGQUIT, which ends a process that is not a JVM (istiod among them)
      log.info("pid {} is not a JVM this JDK can attach to: no live heap", pid);
      return OptionalLong.empty();
    }
    Path out = null;
    try {
      // output to a file, so that a jcmd that never finishes (a JVM out of memory) is bounded by the wait
      out = Files.createTempFile("loadtest-histogram-", ".txt");
      Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
          .redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!process.waitFor(JCMD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        log.warn("jcmd {} GC.class_histogram did not finish within {}", pid, JCMD_TIMEOUT);
        return OptionalLong.empty();
      }
      // a line per class; only the last (the total) matters
      List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
      OptionalLong total = lines.isEmpty() ? OptionalLong.empty() : parseHistogramTotal(lines.get(lines.size() - 1));
      if (total.isEmpty()) {
        log.warn("jcmd {} GC.class_histogram gave no total: {}", pid, lines.isEmpty() ? "" : lines.get(lines.size() - 1));
      }
      return total;
    } catch (IOException e) {
      log.warn("jcmd {} GC.class_histogram failed: {}", pid, e.getMessage());
      return OptionalLong.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalLong.empty();
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException e) {
          log.debug("could not delete {}", out);
        }
      }
    }
  }

  /** utime + stime in clock ticks from a {@code /proc/<pid>/stat} line (fields 14 and 15). */
  /** True when a HotSpot JVM of this pid publishes its performance data (as every JVM jcmd can attach to does). */
  static boolean advertisesJvm(long pid) {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    try (java.util.stream.Stream<Path> dirs = Files.list(tmp)) {
      return dirs.filter(d -> d.getFileName().toString().startsWith("hsperfdata_"))
          .anyMatch(d -> Files.exists(d.resolve(Long.toString(pid))));
    } catch (IOException e) {
      return false;
    }
  }

  static long parseCpuTicks(String stat) {
    // the command name (field 2) may hold spaces and parentheses; fields are counted after its ')'
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  static OptionalLong parseVmRss(List<String> status) {
    for (String line : status) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.substring(6).trim().split("\\s+");
        return OptionalLong.of(Long.parseLong(parts[0]) * 1024); // always kB
      }
    }
    return OptionalLong.empty();
  }

  /** The bytes of a class histogram's {@code Total <instances> <bytes>} line. */
  static OptionalLong parseHistogramTotal(String line) {
    String[] parts = line.trim().split("\\s+");
    if (parts.length == 3 && parts[0].equals("Total")) {
      return OptionalLong.of(Long.parseLong(parts[2]));
    }
    return OptionalLong.empty();
  }

  private static long clockTicks() {
    try {
      Process process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      process.waitFor(10, TimeUnit.SECONDS);
      return Long.parseLong(out);
    } catch (IOException | NumberFormatException e) {
      log.warn("getconf CLK_TCK failed ({}); assuming 100 ticks per second", e.getMessage());
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
