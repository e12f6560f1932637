package io.meshpilot.conformance.diff;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Compares what the two servers serve: the registryz services, and for each proxy every resource of
 * its config dump, matched by name; a resource only one side serves is one difference, a resource
 * both serve contributes its field differences ({@link JsonDiff}) after {@link Unrunnable} removed
 * what is ignored on each side.
 */
public final class Comparison {
  private final Unrunnable istiodIgnored = new Unrunnable();
  private final Unrunnable meshpilotIgnored = new Unrunnable();
  private final List<Difference> differences = new ArrayList<>();

  /** Adds the differences between the registryz answers. */
  public void registryz(JsonNode istiod, JsonNode meshpilot) {
    resources("", Section.REGISTRYZ, RegistryzView.services(istiod), RegistryzView.services(meshpilot), false);
  }

  /** Adds the differences between one proxy's config dumps. */
  public void configDump(String proxy, JsonNode istiod, JsonNode meshpilot) {
    ConfigDumpView a = ConfigDumpView.of(istiod);
    ConfigDumpView b = ConfigDumpView.of(meshpilot);
    for (Section section : Section.values()) {
      if (section != Section.REGISTRYZ) {
        resources(proxy, section, a.section(section), b.section(section), true);
      }
    }
  }

  /** Every difference so far, in the order found. */
  public List<Difference> differences() {
    return List.copyOf(differences);
  }

  /** What was ignored in istiod's answers, by reason. */
  public Map<String, Integer> ignoredInIstiod() {
    return istiodIgnored.removed();
  }

  /** What was ignored in meshpilot's answers, by reason. */
  public Map<String, Integer> ignoredInMeshpilot() {
    return meshpilotIgnored.removed();
  }

  private void resources(String proxy, Section section, Map<String, JsonNode> istiod, Map<String, JsonNode> meshpilot,
      boolean strip) {
    TreeSet<String> names = new TreeSet<>(istiod.keySet());
    names.addAll(meshpilot.keySet());
    for (String name : names) {
      Subject subject = new Subject(proxy, section, name);
      JsonNode a = istiod.get(name);
      JsonNode b = meshpilot.get(name);
      if (a == null || b == null) {
        differences.add(new Difference(subject, "", a, b));
      } else if (strip) {
        differences.addAll(JsonDiff.diff(subject, istiodIgnored.strip(a), meshpilotIgnored.strip(b)));
      } else {
        differences.addAll(JsonDiff.diff(subject, a, b));
      }
    }
  }
}
