package io.meshpilot.conformance.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.meshpilot.conformance.diff.Difference;
import io.meshpilot.conformance.diff.Section;
import io.meshpilot.conformance.diff.Subject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The conformance report in Markdown: the total, a summary by resource kind and JSON path (the same
 * field across resources and proxies, with a count and a few examples), then every difference by
 * resource. Deterministic for the same differences, so two runs diff cleanly.
 *
 * @param header lines describing the run (servers, fixtures, proxies), printed as a list
 * @param differences what differs
 * @param ignoredInIstiod what was left out of istiod's answers, by reason
 * @param ignoredInMeshpilot what was left out of meshpilot's answers, by reason
 */
public record ConformanceReport(List<String> header, List<Difference> differences,
    Map<String, Integer> ignoredInIstiod, Map<String, Integer> ignoredInMeshpilot) {
  private static final int MAX_VALUE = 160;
  private static final int EXAMPLES = 3;

  public ConformanceReport {
    header = List.copyOf(header);
    differences = List.copyOf(differences);
    ignoredInIstiod = new TreeMap<>(ignoredInIstiod);
    ignoredInMeshpilot = new TreeMap<>(ignoredInMeshpilot);
  }

  /** The number of differences. */
  public int count() {
    return differences.size();
  }

  /** The report text. */
  public String render() {
    StringBuilder out = new StringBuilder("# meshpilot conformance report: istiod vs meshpilot\n\n");
    header.forEach(line -> out.append("* ").append(line).append('\n'));
    out.append("\n**").append(count()).append(" differences**");
    Map<Section, Long> bySection = differences.stream()
        .collect(Collectors.groupingBy(d -> d.subject().section(), TreeMap::new, Collectors.counting()));
    out.append(bySection.isEmpty() ? "" : " (" + bySection.entrySet().stream()
        .map(e -> e.getKey().label() + ": " + e.getValue()).collect(Collectors.joining(", ")) + ")");
    out.append("\n\nIgnored on purpose (upstream Envoy cannot run it, or meshpilot has no mTLS yet):\n\n");
    ignored(out, "istiod", ignoredInIstiod);
    ignored(out, "meshpilot", ignoredInMeshpilot);
    summary(out);
    details(out);
    return out.toString();
  }

  private static void ignored(StringBuilder out, String side, Map<String, Integer> removed) {
    out.append("* ").append(side).append(": ").append(removed.isEmpty() ? "nothing" : removed.entrySet().stream()
        .map(e -> e.getKey() + " ×" + e.getValue()).collect(Collectors.joining(", "))).append('\n');
  }

  private void summary(StringBuilder out) {
    Map<PathKey, List<Difference>> byPattern = new TreeMap<>();
    for (Difference d : differences) {
      byPattern.computeIfAbsent(new PathKey(d.subject().section(), patternOf(d)), k -> new ArrayList<>()).add(d);
    }
    out.append("\n## By resource kind and JSON path\n\n| kind | path | count | examples |\n| --- | --- | ---: | --- |\n");
    byPattern.forEach((key, list) -> {
      out.append("| ").append(key.section().label()).append(" | `").append(cell(key.pattern())).append("` | ")
          .append(list.size())
          .append(" | ").append(list.stream().limit(EXAMPLES).map(d -> cell(example(d)))
              .collect(Collectors.joining("; "))).append(list.size() > EXAMPLES ? "; …" : "").append(" |\n");
    });
  }

  private void details(StringBuilder out) {
    Map<Subject, List<Difference>> bySubject = new TreeMap<>();
    differences.forEach(d -> bySubject.computeIfAbsent(d.subject(), k -> new ArrayList<>()).add(d));
    out.append("\n## By resource\n");
    String proxy = null;
    for (Map.Entry<Subject, List<Difference>> entry : bySubject.entrySet()) {
      Subject subject = entry.getKey();
      if (!subject.proxy().equals(proxy)) {
        proxy = subject.proxy();
        out.append("\n### ").append(proxy.isEmpty() ? "/debug/registryz" : "proxy " + proxy).append('\n');
      }
      out.append("\n#### ").append(subject.section().label()).append(" `").append(subject.name()).append("` (")
          .append(entry.getValue().size()).append(")\n\n");
      for (Difference d : entry.getValue()) {
        out.append("* ").append(d.path().isEmpty() ? "(whole resource)" : "`" + d.path() + "`").append(": ")
            .append(side("istiod", d.istiod())).append(" · ").append(side("meshpilot", d.meshpilot())).append('\n');
      }
    }
  }

  /** One row of the summary: the same JSON path in resources of one kind. */
  private record PathKey(Section section, String pattern) implements Comparable<PathKey> {
    @Override
    public int compareTo(PathKey other) {
      int bySection = section.compareTo(other.section);
      return bySection != 0 ? bySection : pattern.compareTo(other.pattern);
    }
  }

  private static String patternOf(Difference d) {
    if (d.path().isEmpty()) {
      return d.onlyIstiod() ? "(only istiod serves it)" : "(only meshpilot serves it)";
    }
    return d.pathPattern();
  }

  private static String example(Difference d) {
    String where = (d.subject().proxy().isEmpty() ? "" : d.subject().proxy() + " ") + d.subject().name();
    return where + (d.path().isEmpty() ? "" : ": " + brief(d.istiod()) + " → " + brief(d.meshpilot()));
  }

  private static String side(String name, JsonNode value) {
    return value.isMissingNode() ? name + " absent" : name + " `" + truncate(value.toString(), MAX_VALUE) + "`";
  }

  private static String brief(JsonNode value) {
    return value.isMissingNode() ? "absent" : truncate(value.toString(), 40);
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "…";
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("`", "'");
  }
}
