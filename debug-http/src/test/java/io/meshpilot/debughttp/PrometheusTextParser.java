package io.meshpilot.debughttp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Prometheus text-format parser, Python's {@code prometheus_client.parser}, run in the venv
 * that scripts/install-peers.sh makes ({@code MESHPILOT_PROM_PYTHON} if set, else
 * {@code prometheus-client-<VERSION>/venv/bin/python} under {@code MESHPILOT_PEERS_DIR}, default
 * {@code ~/.cache/meshpilot}). Missing, it fails the test under {@code CI=true} and skips it
 * elsewhere. The parser raises on text it cannot parse; families it parses are returned as it
 * reports them (it names counter samples {@code <name>_total} whatever the text said).
 */
final class PrometheusTextParser {
  /** The prometheus-client version install-peers.sh pins. */
  static final String VERSION = "0.26.0";

  private static final String SCRIPT = """
      import sys
      from prometheus_client.parser import text_string_to_metric_families
      for family in text_string_to_metric_families(sys.stdin.read()):
          print("F\\t" + family.name + "\\t" + family.type)
          for s in family.samples:
              labels = ",".join(k + "=" + v for k, v in sorted(s.labels.items()))
              print("S\\t" + s.name + "\\t" + labels + "\\t" + repr(float(s.value)))
      """;

  /** One parsed sample; labels as {@code k=v} joined by commas, sorted by name. */
  record Sample(String name, String labels, double value) {}

  /** One parsed metric family. */
  record Family(String name, String type, List<Sample> samples) {}

  private PrometheusTextParser() {}

  /** Parses the text; fails the test if the parser rejects it. Families by name, in order. */
  static Map<String, Family> parse(String text) {
    Path python = python(System.getenv());
    try {
      Process process = new ProcessBuilder(python.toString(), "-c", SCRIPT).start();
      process.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().close();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        Assertions.fail("the Prometheus text parser rejected the exposition: " + err);
      }
      return families(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Path python(Map<String, String> env) {
    String explicit = env.get("MESHPILOT_PROM_PYTHON");
    Path candidate;
    if (explicit != null && !explicit.isBlank()) {
      candidate = Path.of(explicit);
    } else {
      String peersDir = env.get("MESHPILOT_PEERS_DIR");
      Path base = peersDir != null && !peersDir.isBlank()
          ? Path.of(peersDir)
          : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".cache", "meshpilot");
      candidate = base.resolve("prometheus-client-" + VERSION).resolve("venv").resolve("bin").resolve("python");
    }
    if (!Files.isExecutable(candidate)) {
      String message = "Python with prometheus-client " + VERSION + " not found at " + candidate
          + "; run scripts/install-peers.sh (./dev.sh test does it)";
      if ("true".equalsIgnoreCase(env.getOrDefault("CI", ""))) {
        Assertions.fail(message);
      }
      Assumptions.abort(message);
    }
    return candidate;
  }

  /** Python's repr of a float; its infinities and NaN are spelt differently from Java's. */
  private static double number(String repr) {
    return switch (repr) {
      case "inf" -> Double.POSITIVE_INFINITY;
      case "-inf" -> Double.NEGATIVE_INFINITY;
      case "nan" -> Double.NaN;
      default -> Double.parseDouble(repr);
    };
  }

  private static Map<String, Family> families(String out) {
    Map<String, Family> families = new LinkedHashMap<>();
    Family current = null;
    for (String line : out.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      String[] fields = line.split("\t", -1);
      if (fields[0].equals("F")) {
        current = new Family(fields[1], fields[2], new ArrayList<>());
        families.put(current.name(), current);
      } else if (current != null) {
        current.samples().add(new Sample(fields[1], fields[2], number(fields[3])));
      }
    }
    return families;
  }
}
